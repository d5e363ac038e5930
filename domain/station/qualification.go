package station

import "casework/domain/value"

// Age limits of the qualification rule for resident social workers (seed
// 000 §3(三)): "驻站社工要求大专及以上学历，年龄40岁以下（大学本科学历可放宽至42岁）".
//
// "40岁以下" is read as Chinese legal texts read 以下: the number itself is
// included (Civil Code Art. 1259: "以上、以下、以内、届满，包括本数"), and
// age is in full years (周岁), as recruitment notices apply it. So:
//   - college diploma (大专) or higher: qualified while aged 40 or less,
//     i.e. up to the day before the 41st birthday;
//   - bachelor's degree or higher: qualified while aged 42 or less, i.e. up
//     to the day before the 43rd birthday.
const (
	MaxAgeDiploma  = 40
	MaxAgeBachelor = 42
)

// AgeOn returns the age in full years (周岁) on day d of a person born on
// birth: it goes up on each birthday. Someone born on 29 February turns a
// year older on 1 March in common years (they have not completed the year
// on 28 February). Negative before birth.
func AgeOn(birth, d value.Date) int {
	age := d.Year() - birth.Year()
	if d.Month() < birth.Month() || (d.Month() == birth.Month() && d.Day() < birth.Day()) {
		age--
	}
	return age
}

// Birthday returns the first day on which a person born on birth is n
// years old (1 March for a 29 February birth in a common year).
func Birthday(birth value.Date, n int) value.Date {
	return value.NewDate(birth.Year()+n, birth.Month(), birth.Day())
}

// Qualified reports whether a resident social worker with education edu,
// born on birth, meets the seed 000 qualification rule on day d.
func Qualified(edu Education, birth, d value.Date) bool {
	age := AgeOn(birth, d)
	return (edu.AtLeast(EduCollegeDiploma) && age <= MaxAgeDiploma) ||
		(edu.AtLeast(EduBachelor) && age <= MaxAgeBachelor)
}

// QualifiedUntil returns the first day on which Qualified becomes false for
// reasons of age alone (the 41st or 43rd birthday), or the zero date when
// the education never qualifies.
func QualifiedUntil(edu Education, birth value.Date) value.Date {
	switch {
	case edu.AtLeast(EduBachelor):
		return Birthday(birth, MaxAgeBachelor+1)
	case edu.AtLeast(EduCollegeDiploma):
		return Birthday(birth, MaxAgeDiploma+1)
	}
	return value.Date{}
}
