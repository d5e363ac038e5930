package demo

import (
	"fmt"

	"casework/domain/value"
)

// person is a demo client: a name, gender and birth date, and a resident
// ID number registered in the demo county with a valid check character.
type person struct {
	name   string
	male   bool
	birth  value.Date
	id     string
	phone  string
	street string
}

func (p person) gender() string {
	if p.male {
		return "male"
	}
	return "female"
}

// residentID returns the 18-character number for a person registered in
// division, born on birth, with the seq-th sequence code of their gender
// (odd for men, even for women). The check character is the one
// value.ParseResidentID accepts: the domain's ISO 7064 MOD 11-2 rule,
// found by trying the eleven candidates rather than copied here.
func residentID(division string, birth value.Date, seq int, male bool) string {
	code := (seq*2)%1000 + 10 // even, away from 000
	if male {
		code++
	}
	prefix := fmt.Sprintf("%s%04d%02d%02d%03d", division, birth.Year(), int(birth.Month()), birth.Day(), code%1000)
	for _, c := range "0123456789X" {
		if _, err := value.ParseResidentID(prefix + string(c)); err == nil {
			return prefix + string(c)
		}
	}
	panic("demo: no check character for " + prefix)
}

// contractorCreditCode is the unified social credit code of the demo
// contractor: registration authority 5 (civil affairs) and kind 2 (a
// private non-enterprise unit, 民办非企业单位), registered in the demo
// county, with the check character value.CreditCode accepts.
func contractorCreditCode() string {
	prefix := "52" + countyCode + "MJ8826473"
	for _, c := range "0123456789ABCDEFGHJKLMNPQRTUWXY" {
		cc, err := value.ParseCreditCode(prefix + string(c))
		if err == nil && cc.CheckDigitValid() {
			return cc.String()
		}
	}
	panic("demo: no check character for " + prefix)
}

// Surnames and given names, common in Zhejiang, combined
// deterministically into client names.
var (
	surnames   = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "萧", "田", "董", "潘", "袁", "蔡", "蒋", "余"}
	maleNames  = []string{"建国", "志明", "国强", "文华", "德胜", "海涛", "永康", "明辉", "俊杰", "宇航", "子轩", "浩然", "金根", "阿福", "伟民", "立新", "春生", "耀祖", "家豪", "嘉诚"}
	femaleName = []string{"秀英", "桂兰", "玉珍", "美华", "丽萍", "雪梅", "淑芬", "小燕", "静怡", "梓涵", "欣怡", "雨桐", "彩凤", "月娥", "金花", "慧敏", "红霞", "佳琪", "诗涵", "晓霞"}
	streets    = []string{"锦城街道钱王街", "锦城街道石镜街", "锦城街道衣锦街", "玲珑街道卦畈村", "玲珑街道九州街", "於潜镇光明村", "於潜镇祈祥村", "於潜镇观山村"}
)

// newPerson makes the i-th demo client, born on birth.
func newPerson(i int, male bool, birth value.Date) person {
	given := femaleName[(i*7)%len(femaleName)]
	if male {
		given = maleNames[(i*7)%len(maleNames)]
	}
	return person{
		name:   surnames[(i*3)%len(surnames)] + given,
		male:   male,
		birth:  birth,
		id:     residentID(countyCode, birth, 100+i*17, male),
		phone:  fmt.Sprintf("1%d%08d", 35+(i%5), 60000000+i*7919),
		street: fmt.Sprintf("%s%d号", streets[i%len(streets)], 3+(i*11)%180),
	}
}
