package demo

import (
	"casework/domain"
	"casework/domain/casefile"
)

// topic is what a case in one service domain is about: the needs found,
// the plan's goals, the kinds of service delivered and how they are noted.
type topic struct {
	circumstances string
	needs         []casefile.Need
	goals         []string
	kinds         []string
	notes         []string
	followUp      string
}

var topics = map[domain.ServiceDomain]topic{
	domain.SocialAssistance: {
		circumstances: "家庭主要劳动力因病失业，家庭收入低于当地低保标准，子女在读。",
		needs: []casefile.Need{
			{Area: "economic", Description: "家庭人均月收入低于低保标准，医疗支出负担重"},
			{Area: "employment", Description: "有劳动能力但缺乏职业技能，需要就业支持"},
		},
		goals:    []string{"协助申请最低生活保障并按期复核", "链接职业技能培训与就业岗位"},
		kinds:    []string{"policy_advice", "resource_linking"},
		notes:    []string{"讲解低保申请流程及所需材料，协助填写申请表", "陪同前往街道社会救助窗口递交材料", "链接区人社局技能培训报名"},
		followUp: "家庭经济状况稳定，已按月领取低保金",
	},
	domain.ElderlyCare: {
		circumstances: "独居老人，子女在外地工作，患高血压，行动不便。",
		needs: []casefile.Need{
			{Area: "daily_care", Description: "独居，买菜做饭等日常起居需要协助"},
			{Area: "health", Description: "患高血压，需定期测量血压、按时服药"},
		},
		goals:    []string{"建立每周探访与紧急联络机制", "链接居家养老助餐服务"},
		kinds:    []string{"home_visit", "care"},
		notes:    []string{"入户探访，测量血压并检查用药情况", "协助办理助餐服务，老人已在社区食堂用餐", "联系子女视频通话，缓解孤独感"},
		followUp: "老人精神状态良好，助餐服务正常",
	},
	domain.ChildWelfare: {
		circumstances: "父母在外务工，由祖父母照料，学习成绩下滑，性格内向。",
		needs: []casefile.Need{
			{Area: "education", Description: "课后无人辅导作业，学习成绩下滑"},
			{Area: "psychological", Description: "与父母联系少，情绪低落、不愿与同学交往"},
		},
		goals:    []string{"每周两次课后学业辅导", "改善亲子沟通，增强社交信心"},
		kinds:    []string{"psychological_support", "capacity_building"},
		notes:    []string{"课后学业辅导，完成数学作业并讲解错题", "开展情绪绘本小组活动，儿童主动发言", "组织与父母视频通话，指导祖父母沟通方法"},
		followUp: "儿童情绪好转，学习成绩有所提高",
	},
	domain.CommunityGovernance: {
		circumstances: "新迁入小区，因装修噪音与邻居发生纠纷，社区参与度低。",
		needs: []casefile.Need{
			{Area: "social_participation", Description: "新居民，对社区事务了解少、参与度低"},
			{Area: "family_relations", Description: "与邻居因噪音问题关系紧张"},
		},
		goals:    []string{"调解邻里纠纷", "引导参与楼道议事会"},
		kinds:    []string{"social_integration", "resource_linking"},
		notes:    []string{"组织双方邻居面对面协商，达成装修时间约定", "邀请参加楼道议事会并担任楼道志愿者"},
		followUp: "邻里关系缓和，已参与两次楼道议事",
	},
	domain.SocialAffairs: {
		circumstances: "离婚后抚养纠纷，对婚姻登记与抚养费追索程序不了解。",
		needs: []casefile.Need{
			{Area: "legal", Description: "需要抚养费追索的法律咨询"},
			{Area: "family_relations", Description: "与前配偶沟通困难，子女探视安排有争议"},
		},
		goals:    []string{"链接法律援助", "协助达成子女探视安排"},
		kinds:    []string{"policy_advice", "resource_linking"},
		notes:    []string{"链接区法律援助中心，预约律师咨询", "协助整理抚养费相关材料"},
		followUp: "已获得法律援助，抚养费按月支付",
	},
	domain.PublicSafety: {
		circumstances: "家庭矛盾长期存在，曾有过激言行，邻居反映有安全隐患。",
		needs: []casefile.Need{
			{Area: "safety", Description: "家庭冲突存在激化风险"},
			{Area: "psychological", Description: "情绪管理困难，需要心理疏导"},
		},
		goals:    []string{"化解家庭矛盾，消除安全隐患", "提升情绪管理能力"},
		kinds:    []string{"psychological_support", "home_visit"},
		notes:    []string{"与派出所、网格员联合入户了解情况", "开展情绪疏导，制定冲突时的安全计划"},
		followUp: "家庭关系趋于平稳，未再发生冲突",
	},
	domain.RuralRevitalization: {
		circumstances: "返乡青年，计划发展山核桃电商，缺乏资金与技术。",
		needs: []casefile.Need{
			{Area: "employment", Description: "返乡创业缺少电商运营技能"},
			{Area: "economic", Description: "启动资金不足"},
		},
		goals:    []string{"参加电商技能培训", "链接创业贷款与合作社资源"},
		kinds:    []string{"capacity_building", "resource_linking"},
		notes:    []string{"链接镇电商服务中心参加直播带货培训", "协助申请创业担保贷款"},
		followUp: "网店已开业，月销售额稳定",
	},
	domain.EpidemicPrevention: {
		circumstances: "高龄慢性病老人，疫苗接种与健康监测需要协助。",
		needs: []casefile.Need{
			{Area: "health", Description: "慢性病患者，需协助完成疫苗接种与健康监测"},
			{Area: "daily_care", Description: "出行不便，就医需要陪同"},
		},
		goals:    []string{"协助完成疫苗接种", "建立健康监测台账"},
		kinds:    []string{"home_visit", "policy_advice"},
		notes:    []string{"协调村卫生室上门接种", "入户健康监测，讲解防护知识"},
		followUp: "老人身体状况稳定，已完成接种",
	},
}
