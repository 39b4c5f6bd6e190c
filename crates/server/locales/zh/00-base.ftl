skip-to-content = 跳到正文
search-by-name = 按姓名搜索
name-any-script = 姓名（任何文字）
search = 搜索
sign-out = 退出登录
footer = Nansen — 难民登记与保护。每一次修改都保存在档案的历史记录中。
language = 语言
nav-home = 首页
nav-search = 查找人员
nav-statistics = 统计
nav-register = 登记家庭
nav-claims = 申请
nav-duplicates = 可能的重复记录
nav-removals = 遣返
main-navigation = 主导航

sign-in = 登录
sign-in-title = 登录
user-name = 用户名
password = 密码
totp-code = 身份验证器应用中的验证码（如使用）
sign-in-note = Nansen 保存逃离迫害者的档案。每次登录和每次查阅档案都会被记录。

error-title = 错误 { $status }
back-to-start = 返回首页

operations = 业务点
no-operation = 尚无业务点。请通过 API 创建，或用“nansen demo”启动演示。
op-code = 代码
op-name = 名称
country-of-asylum = 庇护国
households = 家庭
persons = 人员
find-a-person = 查找人员

search-name-label = 姓名（任何文字；不区分重音和大小写）
case-number = 案件编号
document-number = 证件号码
found = 找到 { $count } 人。
previous = 上一页
next = 下一页

name-latin = 姓名（拉丁字母）
name-own-script = 姓名（原文字）
sex = 性别
born = 出生
citizenship = 国籍
relationship = 关系

relationship-label = 与户主关系
date-of-birth = 出生日期
place-of-birth = 出生地
languages = 语言
record-version = 档案版本
documents = 证件
none-recorded = 无记录。
specific-needs = 特殊需求
restricted-needs = 另有 { $count } 项涉及健康、暴力或酷刑的需求已记录；您的角色无权查看。
household = 家庭
household-title = 家庭 { $case }
arrival = 抵达
address = 地址
identifier = 标识符
members = 成员

history = 历史记录
by-actor = 操作人 { $actor }
changed = 修改：{ $fields }
reason = 理由：

sex-F = 女
sex-M = 男
sex-X = 其他
sex-U = 未知

date-full = { $year }年{ $monthnum }月{ $day }日
date-month = { $year }年{ $monthnum }月
date-year = { $year }年
month-1 = 一月
month-2 = 二月
month-3 = 三月
month-4 = 四月
month-5 = 五月
month-6 = 六月
month-7 = 七月
month-8 = 八月
month-9 = 九月
month-10 = 十月
month-11 = 十一月
month-12 = 十二月

statistics = 统计

rel-PA = 主申请人
rel-SPS = 配偶或伴侣
rel-CHD = 子女
rel-STC = 继子女
rel-PAR = 父母
rel-SIB = 兄弟姐妹
rel-GCH = 孙子女
rel-GPA = 祖父母
rel-REL = 其他亲属
rel-NRL = 非亲属

# 案件分配（家庭页面）
assign-title = 已分配给
assign-help = 账户仅限于已分配案件的工作人员，只有在本案件分配给他们期间才能看到它。请填写理由：理由会与分配记录一起保存，并写入访问日志。
assign-none = 尚未分配给任何人。
assign-user = 工作人员（登录名）
assign-since = 起始
assign-reason = 理由
assign-end = 结束分配
assign-end-reason = 结束理由
assign-submit = 分配
