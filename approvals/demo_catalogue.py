"""The city's demo catalogue of service items (政务服务事项) for ``manage.py seed_demo``.

Pure data: no Django. ``ITEMS`` is a list of dicts, one per item, with the keys the loader
in ``approvals/demo.py`` reads. Names, legal bases, materials and extra fields follow the
items a Chinese city's departments actually handle; the construction chain (enterprise
qualification → planning → drawings → construction permit → fire acceptance → completion
filing) mirrors the city's one-window reform, the construction permit promised in 3
working days against a statutory 15.
"""

# --- building blocks ---------------------------------------------------------------


def m(name, required=True, formats="pdf", size=20, explanation=""):
    """Return a material."""
    return {"name": name, "required": required, "formats": formats, "max_size_mb": size, "explanation": explanation}


def text(key, label, required=True, help=""):
    return {"key": key, "label": label, "type": "text", "required": required, "help": help}


def long(key, label, required=False, help=""):
    return {"key": key, "label": label, "type": "textarea", "required": required, "help": help}


def num(key, label, required=True, help=""):
    return {"key": key, "label": label, "type": "number", "required": required, "help": help}


def day(key, label, required=True, help=""):
    return {"key": key, "label": label, "type": "date", "required": required, "help": help}


def pick(key, label, choices, required=True, help=""):
    return {"key": key, "label": label, "type": "choice", "required": required, "help": help, "choices": choices}


def form(title):
    return m(f"{title}申请表", explanation="申请人签字；单位申请的加盖公章。")


ID_CARD = m("申请人身份证明", formats="pdf,jpg,png", size=10, explanation="居民身份证正反面。")
LICENCE = m("营业执照", formats="pdf,jpg,png", size=10, explanation="加盖公章的复印件。")
AGENT = m("授权委托书及受托人身份证明", required=False, explanation="委托他人办理时提交。")
SITE = m("经营场所使用证明", formats="pdf,jpg,png", explanation="产权证明或租赁合同。")
LAYOUT = m("场所平面布局图", formats="pdf,jpg,png", explanation="标明功能分区和面积。")
STAFF = m("专业技术人员资格证明", explanation="学历、职称或执业资格证书。")
RULES = m("管理制度文本", explanation="安全、质量或卫生管理制度。")
PHOTOS = m("现场照片", required=False, formats="jpg,png", size=10, explanation="能反映场所全貌。")
PLAN = m("项目建设方案", explanation="含建设内容、规模和总平面图。")
REPORT = m("技术评价报告", explanation="由具备相应能力的机构编制。")

ORG_FIELDS = [text("legal_rep", "法定代表人"), num("staff_count", "从业人员数（人）", help="在岗人员总数")]
SITE_FIELDS = [text("site_address", "经营场所地址"), num("site_area", "经营场所面积（平方米）")]
PROJECT_FIELDS = [
    text("project_name", "项目名称"),
    text("project_address", "建设地点"),
    num("total_investment", "总投资（万元）"),
]
VEHICLE_FIELDS = [
    text("plate_no", "车牌号码"),
    pick("vehicle_type", "车辆类型", ["小型客车", "中型客车", "大型客车", "货车", "挂车"]),
]

ITEMS = []
_counters = {}


def it(dept, kind, name, statutory, promised, depth, materials, fields=(), basis="", **extra):
    """Append one item; the code is numbered per department and kind in the order given."""
    prefix = {"permit": "XK", "confirmation": "QR", "filing": "BA", "other": "FW"}[kind]
    number = _counters[(dept, prefix)] = _counters.get((dept, prefix), 0) + 1
    ITEMS.append(
        {
            "code": f"{dept.upper()}-{prefix}-{number:04d}",
            "name": name,
            "department": dept,
            "district": extra.get("district"),
            "kind": kind,
            "statutory_days": statutory,
            "promised_days": promised,
            "extension_days": extra.get("extension", 10 if kind == "permit" and statutory >= 20 else 0),
            "depth": depth,
            "offline_reason": extra.get("offline", ""),
            "fee": extra.get("fee", "0"),
            "legal_basis": basis or DEFAULT_BASIS[dept],
            "conditions": extra.get(
                "conditions", f"申请人符合法律、法规规定的{name}条件，申请材料齐全、符合法定形式。"
            ),
            "process": extra.get(
                "process",
                "网上申报→窗口受理→部门审查→作出决定→证照送达"
                if depth >= 3
                else "窗口提交材料→窗口受理→部门审查（含现场核查）→作出决定→窗口领取",
            ),
            "materials": list(materials),
            "fields": list(fields),
        }
    )


DEFAULT_BASIS = {
    "fgw": "《企业投资项目核准和备案管理条例》；《政府投资条例》。",
    "jyj": "《中华人民共和国教育法》；《中华人民共和国民办教育促进法》。",
    "gaj": "《中华人民共和国治安管理处罚法》；《中华人民共和国居民身份证法》。",
    "mzj": "《社会团体登记管理条例》；《民办非企业单位登记管理暂行条例》。",
    "sfj": "《中华人民共和国律师法》；《中华人民共和国法律援助法》。",
    "czj": "《中华人民共和国会计法》；《代理记账管理办法》。",
    "rsj": "《中华人民共和国劳动合同法》；《中华人民共和国社会保险法》。",
    "zrzyj": "《中华人民共和国城乡规划法》；《不动产登记暂行条例》。",
    "sthjj": "《中华人民共和国环境影响评价法》；《排污许可管理条例》。",
    "zjj": "《中华人民共和国建筑法》；《建设工程质量管理条例》。",
    "jtj": "《中华人民共和国道路运输条例》；《中华人民共和国公路法》。",
    "slj": "《中华人民共和国水法》；《取水许可和水资源费征收管理条例》。",
    "nyncj": "《农药管理条例》；《中华人民共和国种子法》。",
    "swj": "《中华人民共和国对外贸易法》；《单用途商业预付卡管理办法（试行）》。",
    "wgly": "《营业性演出管理条例》；《娱乐场所管理条例》；《旅行社条例》。",
    "wjw": "《医疗机构管理条例》；《公共场所卫生管理条例》。",
    "yjj": "《危险化学品安全管理条例》；《烟花爆竹安全管理条例》。",
    "scjg": "《中华人民共和国食品安全法》；《中华人民共和国市场主体登记管理条例》。",
    "cgj": "《城市市容和环境卫生管理条例》；《城市道路管理条例》。",
    "lyj": "《中华人民共和国森林法》；《中华人民共和国野生动物保护法》。",
    "rfb": "《中华人民共和国人民防空法》。",
    "xfzd": "《中华人民共和国消防法》；《建设工程消防设计审查验收管理暂行规定》。",
}

# --- 住房和城乡建设局 and the construction chain ----------------------------------------

BUILDING = [
    text("parcel_no", "宗地编号", help="见不动产权证书或土地出让合同"),
    num("floor_area", "建筑面积（平方米）"),
]
it(
    "zjj",
    "permit",
    "建筑业企业资质核准",
    20,
    10,
    4,
    [form("建筑业企业资质"), LICENCE, m("企业净资产证明", explanation="上一年度财务审计报告。"), STAFF, RULES],
    [
        pick("qualification", "申请资质类别", ["施工总承包三级", "专业承包二级", "专业承包三级", "施工劳务"]),
        num("net_assets", "净资产（万元）"),
        num("engineer_count", "注册建造师人数"),
    ],
    "《中华人民共和国建筑法》第十三条；《建筑业企业资质管理规定》。",
)
it(
    "zjj",
    "permit",
    "建筑工程施工许可证核发",
    15,
    3,
    4,
    [
        form("建筑工程施工许可"),
        m("建设工程用地批准文件", explanation="不动产权证书或土地使用权出让合同。"),
        m("建设工程规划许可证", explanation="资规局核发。"),
        m("施工合同", explanation="中标通知书或直接发包批准文件及合同。"),
        m("施工图审查合格书", explanation="施工图设计文件审查备案后取得。"),
        m("建设资金已落实承诺书", explanation="建设单位法定代表人签字并加盖公章。"),
    ],
    [
        *BUILDING,
        num("contract_price", "合同价格（万元）"),
        day("start_date", "计划开工日期"),
        pick("structure", "结构类型", ["框架结构", "剪力墙结构", "框架-剪力墙结构", "钢结构", "砖混结构"]),
    ],
    "《中华人民共和国建筑法》第七条、第八条；《建筑工程施工许可管理办法》。",
    extension=0,
    conditions="已办理用地批准和建设工程规划许可手续，施工图设计文件已审查合格，施工企业已确定，建设资金已落实。",
)
it(
    "zjj",
    "filing",
    "施工图设计文件审查备案",
    5,
    2,
    3,
    [
        form("施工图设计文件审查备案"),
        m("施工图设计文件", explanation="含建筑、结构、给排水、电气等专业。"),
        m("施工图审查报告"),
    ],
    [*BUILDING, text("review_agency", "审查机构名称")],
    "《房屋建筑和市政基础设施工程施工图设计文件审查管理办法》。",
)
it(
    "zjj",
    "filing",
    "房屋建筑和市政基础设施工程竣工验收备案",
    15,
    3,
    4,
    [
        form("竣工验收备案"),
        m("工程竣工验收报告"),
        m("建设工程消防验收意见书或备案凭证"),
        m("施工单位签署的工程质量保修书"),
        m("规划核实意见", explanation="资规局出具。"),
    ],
    [*BUILDING, day("acceptance_date", "竣工验收日期"), text("permit_no", "施工许可证编号")],
    "《建设工程质量管理条例》第四十九条；《房屋建筑和市政基础设施工程竣工验收备案管理办法》。",
)
it(
    "zjj",
    "permit",
    "工程监理企业资质核准",
    20,
    10,
    3,
    [form("工程监理企业资质"), LICENCE, STAFF, RULES],
    [pick("grade", "申请等级", ["专业乙级", "专业丙级", "事务所资质"]), num("engineer_count", "注册监理工程师人数")],
)
it(
    "zjj",
    "permit",
    "房地产开发企业资质核定",
    20,
    10,
    3,
    [form("房地产开发企业资质"), LICENCE, STAFF, m("企业近三年开发项目清单", required=False)],
    [pick("grade", "申请等级", ["二级", "暂定"]), num("registered_capital", "注册资本（万元）")],
    "《城市房地产开发经营管理条例》；《房地产开发企业资质管理规定》。",
)
it(
    "zjj",
    "permit",
    "商品房预售许可",
    10,
    5,
    2,
    [
        form("商品房预售许可"),
        LICENCE,
        m("预售资金监管协议"),
        m("工程施工进度证明", explanation="监理单位出具。"),
        m("商品房预售方案"),
    ],
    [text("project_name", "项目名称"), num("presale_area", "预售面积（平方米）"), num("presale_units", "预售套数")],
    "《中华人民共和国城市房地产管理法》第四十五条；《城市商品房预售管理办法》。",
)
it(
    "zjj",
    "permit",
    "建筑施工企业安全生产许可证核发",
    45,
    10,
    3,
    [form("安全生产许可证"), LICENCE, RULES, m("安全生产管理人员考核合格证书")],
    [num("safety_staff", "专职安全生产管理人员数")],
    "《安全生产许可证条例》；《建筑施工企业安全生产许可证管理规定》。",
)
it(
    "zjj",
    "permit",
    "建设工程质量检测机构资质核准",
    20,
    10,
    2,
    [form("检测机构资质"), LICENCE, STAFF, m("主要检测仪器设备清单")],
    [pick("scope", "检测类别", ["见证取样检测", "地基基础检测", "主体结构检测", "钢结构检测"])],
)
it(
    "zjj",
    "permit",
    "燃气经营许可",
    20,
    10,
    2,
    [form("燃气经营许可"), LICENCE, SITE, RULES, STAFF],
    [pick("gas_type", "燃气种类", ["管道天然气", "液化石油气", "压缩天然气"]), *SITE_FIELDS],
    "《城镇燃气管理条例》第十五条。",
)
it(
    "zjj",
    "filing",
    "商品房买卖合同网签备案",
    3,
    1,
    4,
    [m("商品房买卖合同"), ID_CARD],
    [text("house_no", "房号"), num("price", "成交价格（万元）")],
)
it(
    "zjj",
    "confirmation",
    "建筑起重机械使用登记",
    7,
    3,
    3,
    [form("建筑起重机械使用登记"), m("安装验收资料"), m("特种作业人员证书")],
    [pick("machine", "机械类型", ["塔式起重机", "施工升降机", "物料提升机"]), text("record_no", "产权备案编号")],
    "《建筑起重机械安全监督管理规定》。",
)
it(
    "zjj",
    "confirmation",
    "公共租赁住房资格审核",
    20,
    10,
    3,
    [form("公共租赁住房"), ID_CARD, m("家庭收入证明"), m("住房情况证明")],
    [num("family_size", "家庭人口（人）"), num("income", "家庭月收入（元）")],
    "《公共租赁住房管理办法》。",
)
it(
    "zjj",
    "other",
    "建设工程招标投标情况书面报告备案",
    5,
    2,
    3,
    [m("招标投标情况书面报告"), m("中标通知书")],
    [text("project_name", "项目名称"), num("bid_price", "中标价（万元）")],
    "《中华人民共和国招标投标法》第四十七条。",
)
it(
    "zjj",
    "permit",
    "建筑工程施工许可证核发（东城区）",
    15,
    3,
    4,
    [form("建筑工程施工许可"), m("建设工程规划许可证"), m("施工合同"), m("施工图审查合格书")],
    [*BUILDING, day("start_date", "计划开工日期")],
    "《中华人民共和国建筑法》第七条；《建筑工程施工许可管理办法》。",
    district="990102",
    extension=0,
)

it(
    "zrzyj",
    "permit",
    "建设用地规划许可证核发",
    20,
    5,
    3,
    [form("建设用地规划许可"), m("土地出让合同或划拨决定书"), m("宗地红线图")],
    [
        text("parcel_no", "宗地编号"),
        num("land_area", "用地面积（平方米）"),
        pick("land_use", "用地性质", ["居住用地", "商业服务业用地", "工业用地", "公共管理与公共服务用地"]),
    ],
    "《中华人民共和国城乡规划法》第三十七条、第三十八条。",
)
it(
    "zrzyj",
    "permit",
    "建设工程规划许可证核发",
    20,
    5,
    3,
    [form("建设工程规划许可"), m("建设用地规划许可证"), m("建设工程设计方案总平面图"), m("建筑单体方案图")],
    [*BUILDING, num("building_height", "建筑高度（米）"), num("plot_ratio", "容积率")],
    "《中华人民共和国城乡规划法》第四十条。",
)
it(
    "zrzyj",
    "permit",
    "建设项目用地预审与选址意见书",
    20,
    10,
    3,
    [form("用地预审与选址"), PLAN, m("项目建议书或可行性研究报告")],
    PROJECT_FIELDS,
    "《中华人民共和国土地管理法》第五十二条；《建设项目用地预审管理办法》。",
)
it(
    "zrzyj",
    "permit",
    "乡村建设规划许可证核发",
    20,
    10,
    2,
    [form("乡村建设规划许可"), ID_CARD, m("村民委员会意见"), m("建设方案图")],
    [text("village", "所在村（社区）"), num("floor_area", "建筑面积（平方米）")],
    "《中华人民共和国城乡规划法》第四十一条。",
)
it(
    "zrzyj",
    "confirmation",
    "不动产首次登记",
    30,
    5,
    3,
    [form("不动产登记"), ID_CARD, m("土地权属来源证明"), m("建设工程符合规划的证明"), m("房屋竣工验收材料")],
    [text("unit_no", "不动产单元号"), num("area", "面积（平方米）")],
    "《不动产登记暂行条例》；《不动产登记暂行条例实施细则》。",
    fee="80",
)
it(
    "zrzyj",
    "confirmation",
    "不动产转移登记",
    30,
    5,
    3,
    [form("不动产登记"), ID_CARD, m("不动产权证书"), m("买卖合同或其他转移权属证明"), m("完税凭证")],
    [
        text("cert_no", "不动产权证书号"),
        pick("transfer_type", "转移原因", ["买卖", "赠与", "继承", "互换", "作价出资"]),
    ],
    "《不动产登记暂行条例》第十四条。",
    fee="80",
)
it(
    "zrzyj",
    "confirmation",
    "不动产抵押登记",
    30,
    3,
    4,
    [form("不动产抵押登记"), m("不动产权证书"), m("主债权合同"), m("抵押合同")],
    [text("cert_no", "不动产权证书号"), num("loan_amount", "被担保主债权数额（万元）")],
    "《中华人民共和国民法典》第四百零二条；《不动产登记暂行条例》。",
    fee="80",
)
it(
    "zrzyj",
    "permit",
    "临时用地审批",
    20,
    10,
    2,
    [form("临时用地"), m("临时用地复垦方案"), m("土地权利人同意意见")],
    [num("land_area", "用地面积（平方米）"), num("months", "使用期限（月）")],
    "《中华人民共和国土地管理法》第五十七条。",
)
it(
    "zrzyj",
    "permit",
    "采矿权新立登记",
    40,
    20,
    2,
    [form("采矿权"), m("矿产资源开发利用方案"), m("出让合同及价款缴纳凭证")],
    [text("mineral", "开采矿种"), num("scale", "生产规模（万吨/年）")],
    "《中华人民共和国矿产资源法》；《矿产资源开采登记管理办法》。",
)
it(
    "zrzyj",
    "permit",
    "测绘资质审批",
    20,
    10,
    2,
    [form("测绘资质"), LICENCE, STAFF, m("测绘仪器设备清单")],
    [pick("grade", "申请等级", ["乙级", "丙级"]), num("surveyor_count", "注册测绘师人数")],
    "《中华人民共和国测绘法》第二十七条。",
)
it(
    "zrzyj",
    "permit",
    "涉密测绘成果提供使用审批",
    20,
    10,
    1,
    [form("涉密测绘成果使用"), m("保密管理制度"), m("涉密人员保密承诺书")],
    [long("purpose", "使用目的", required=True)],
    "《中华人民共和国测绘成果管理条例》；《中华人民共和国保守国家秘密法》。",
    offline="涉密测绘成果属于国家秘密，依照《中华人民共和国保守国家秘密法》不在互联网上申请和传输，请持单位介绍信到大厅保密窗口办理。",
)

it(
    "xfzd",
    "permit",
    "建设工程消防设计审查",
    15,
    7,
    3,
    [form("消防设计审查"), m("消防设计文件"), m("建设工程规划许可证"), m("特殊消防设计技术资料", required=False)],
    [*BUILDING, pick("fire_category", "建筑分类", ["一类高层", "二类高层", "多层", "地下建筑"])],
    "《中华人民共和国消防法》第十一条；《建设工程消防设计审查验收管理暂行规定》。",
)
it(
    "xfzd",
    "permit",
    "建设工程消防验收",
    15,
    7,
    3,
    [form("消防验收"), m("工程竣工验收报告"), m("消防设施检测报告"), m("消防设计审查意见书")],
    [*BUILDING, day("completion_date", "竣工日期")],
    "《中华人民共和国消防法》第十三条。",
)
it(
    "xfzd",
    "permit",
    "公众聚集场所投入使用、营业前消防安全检查",
    10,
    3,
    3,
    [form("消防安全检查"), LICENCE, SITE, m("消防安全制度和应急预案")],
    [*SITE_FIELDS, pick("venue", "场所类型", ["商场", "宾馆", "餐饮场所", "娱乐场所", "体育场馆"])],
    "《中华人民共和国消防法》第十五条。",
)
it(
    "xfzd",
    "filing",
    "建设工程消防验收备案",
    5,
    2,
    4,
    [form("消防验收备案"), m("工程竣工验收报告"), m("消防设施检测报告")],
    BUILDING,
    "《建设工程消防设计审查验收管理暂行规定》第三十四条。",
)
it(
    "xfzd",
    "filing",
    "消防技术服务机构执业备案",
    10,
    3,
    4,
    [LICENCE, STAFF, m("执业场所证明")],
    [num("engineer_count", "注册消防工程师人数")],
)
it(
    "xfzd",
    "other",
    "大型群众性活动消防安全检查",
    5,
    3,
    2,
    [form("活动消防安全"), m("活动方案及消防安全预案"), SITE],
    [day("event_date", "活动日期"), num("attendance", "预计人数")],
)

# --- 市场监督管理局 ----------------------------------------------------------------------

FOOD_FIELDS = [
    num("site_area", "经营场所面积（平方米）"),
    pick(
        "food_items", "经营项目", ["预包装食品销售", "散装食品销售", "热食类食品制售", "冷食类食品制售", "自制饮品制售"]
    ),
    num("staff_count", "从业人员数（人）"),
    pick("business_form", "主体业态", ["食品销售经营者", "餐饮服务经营者", "单位食堂"]),
]
it(
    "scjg",
    "permit",
    "食品经营许可",
    20,
    5,
    4,
    [
        form("食品经营许可"),
        LICENCE,
        SITE,
        LAYOUT,
        m("食品安全管理制度"),
        m("食品安全管理人员健康证明", formats="pdf,jpg,png", size=10),
    ],
    FOOD_FIELDS,
    "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》。",
)
it(
    "scjg",
    "permit",
    "食品生产许可",
    20,
    10,
    2,
    [form("食品生产许可"), LICENCE, LAYOUT, m("主要设备设施清单"), m("工艺流程图"), RULES],
    [
        pick("food_category", "食品类别", ["粮食加工品", "食用油", "调味品", "肉制品", "乳制品", "饮料", "糕点"]),
        *SITE_FIELDS,
    ],
    "《中华人民共和国食品安全法》第三十五条；《食品生产许可管理办法》。",
)
it(
    "scjg",
    "permit",
    "药品零售企业许可",
    30,
    10,
    2,
    [form("药品经营许可"), LICENCE, m("执业药师注册证"), SITE, LAYOUT, RULES],
    [*SITE_FIELDS, num("pharmacist_count", "执业药师人数")],
    "《中华人民共和国药品管理法》第五十二条；《药品经营和使用质量监督管理办法》。",
)
it(
    "scjg",
    "permit",
    "第三类医疗器械经营许可",
    30,
    10,
    3,
    [form("医疗器械经营许可"), LICENCE, SITE, RULES, STAFF],
    [*SITE_FIELDS, text("product_scope", "经营范围（分类编码）")],
    "《医疗器械监督管理条例》第五十二条。",
)
it(
    "scjg",
    "filing",
    "第二类医疗器械经营备案",
    5,
    1,
    4,
    [LICENCE, SITE, m("质量管理制度目录")],
    SITE_FIELDS,
    "《医疗器械监督管理条例》第四十一条。",
)
it(
    "scjg",
    "confirmation",
    "企业设立登记",
    3,
    1,
    4,
    [form("企业设立登记"), ID_CARD, m("公司章程"), m("住所使用证明")],
    [
        text("company_name", "企业名称"),
        num("registered_capital", "注册资本（万元）"),
        pick("company_type", "企业类型", ["有限责任公司", "股份有限公司", "个人独资企业", "合伙企业"]),
    ],
    "《中华人民共和国公司法》；《中华人民共和国市场主体登记管理条例》。",
)
it(
    "scjg",
    "confirmation",
    "企业变更登记",
    3,
    1,
    4,
    [form("企业变更登记"), LICENCE, m("变更决议或决定")],
    [
        pick("change_item", "变更事项", ["名称", "住所", "法定代表人", "注册资本", "经营范围", "股东"]),
        long("change_detail", "变更内容"),
    ],
)
it(
    "scjg",
    "confirmation",
    "企业注销登记",
    3,
    1,
    4,
    [form("企业注销登记"), m("清算报告"), m("清税证明")],
    [pick("dissolve_reason", "注销原因", ["章程规定的营业期限届满", "股东会决议解散", "依法被吊销", "其他"])],
)
it(
    "scjg",
    "confirmation",
    "特种设备使用登记",
    15,
    5,
    3,
    [form("特种设备使用登记"), m("产品合格证"), m("监督检验证明")],
    [
        pick("equipment", "设备种类", ["电梯", "锅炉", "压力容器", "起重机械", "场（厂）内专用机动车辆"]),
        text("equipment_code", "设备代码"),
    ],
    "《中华人民共和国特种设备安全法》第三十三条。",
)
it(
    "scjg",
    "permit",
    "计量标准器具核准",
    20,
    10,
    2,
    [form("计量标准考核"), m("计量标准技术报告"), STAFF],
    [text("standard_name", "计量标准名称"), text("measure_range", "测量范围")],
    "《中华人民共和国计量法》第六条。",
)
it(
    "scjg",
    "permit",
    "工业产品生产许可证核发",
    30,
    15,
    2,
    [form("工业产品生产许可"), LICENCE, m("产品检验报告"), RULES],
    [pick("product", "产品类别", ["电线电缆", "危险化学品", "化肥", "建筑用钢筋", "水泥"])],
    "《中华人民共和国工业产品生产许可证管理条例》。",
)
it(
    "scjg",
    "permit",
    "检验检测机构资质认定",
    30,
    15,
    2,
    [form("资质认定"), LICENCE, m("管理体系文件"), STAFF],
    [text("test_scope", "检验检测能力范围"), num("staff_count", "技术人员数（人）")],
    "《检验检测机构资质认定管理办法》。",
)
it(
    "scjg",
    "confirmation",
    "小餐饮登记",
    15,
    3,
    3,
    [form("小餐饮登记"), ID_CARD, SITE, m("从业人员健康证明", formats="pdf,jpg,png")],
    FOOD_FIELDS[:2],
    "地方《食品小作坊小餐饮和食品摊贩管理条例》。",
)
it(
    "scjg",
    "confirmation",
    "食品小作坊登记",
    15,
    5,
    2,
    [form("食品小作坊登记"), ID_CARD, SITE, LAYOUT],
    [text("product", "生产食品品种"), num("site_area", "生产场所面积（平方米）")],
)
it(
    "scjg",
    "other",
    "股权出质登记",
    3,
    1,
    3,
    [form("股权出质登记"), m("质押合同")],
    [num("amount", "出质股权数额（万元）")],
    "《股权出质登记办法》。",
)
it(
    "scjg",
    "confirmation",
    "小餐饮登记（南江区）",
    15,
    3,
    3,
    [form("小餐饮登记"), ID_CARD, SITE],
    FOOD_FIELDS[:2],
    district="990104",
)

# --- 卫生健康委员会 ----------------------------------------------------------------------

MEDICAL = [
    text("institution", "机构名称"),
    pick("institution_type", "机构类别", ["综合医院", "专科医院", "门诊部", "诊所", "社区卫生服务站"]),
]
it(
    "wjw",
    "permit",
    "医疗机构设置审批",
    45,
    20,
    3,
    [form("医疗机构设置"), m("设置可行性研究报告"), m("选址报告和建筑设计平面图")],
    MEDICAL,
    "《医疗机构管理条例》第九条。",
)
it(
    "wjw",
    "permit",
    "医疗机构执业登记",
    45,
    20,
    2,
    [form("医疗机构执业登记"), m("设置医疗机构批准书"), STAFF, RULES, LAYOUT],
    MEDICAL + [num("beds", "床位数")],
    "《医疗机构管理条例》第十五条。",
    conditions="须经现场审核，申请人应在大厅提交材料并预约现场核查。",
)
it(
    "wjw",
    "permit",
    "医师执业注册",
    20,
    10,
    3,
    [form("医师执业注册"), m("医师资格证书"), m("健康证明"), m("聘用证明")],
    [pick("category", "执业类别", ["临床", "中医", "口腔", "公共卫生"]), text("practice_scope", "执业范围")],
    "《中华人民共和国医师法》第十三条。",
)
it(
    "wjw",
    "permit",
    "护士执业注册",
    20,
    10,
    3,
    [form("护士执业注册"), m("护士执业资格考试成绩合格证明"), m("健康证明")],
    [text("institution", "拟执业机构")],
    "《护士条例》第七条。",
)
it(
    "wjw",
    "permit",
    "公共场所卫生许可",
    20,
    5,
    3,
    [form("公共场所卫生许可"), LICENCE, LAYOUT, m("卫生检测报告")],
    [*SITE_FIELDS, pick("venue", "场所类别", ["宾馆", "美容美发场所", "沐浴场所", "游泳场所", "商场超市"])],
    "《公共场所卫生管理条例》第八条。",
)
it(
    "wjw",
    "permit",
    "放射诊疗许可",
    20,
    10,
    2,
    [form("放射诊疗许可"), m("放射诊疗设备清单"), m("职业病危害控制效果评价报告"), STAFF],
    [pick("radiation_type", "放射诊疗类别", ["X射线影像诊断", "介入放射学", "核医学", "放射治疗"])],
    "《放射诊疗管理规定》。",
)
it(
    "wjw",
    "permit",
    "母婴保健技术服务执业许可",
    20,
    10,
    2,
    [form("母婴保健技术服务"), STAFF, RULES],
    [pick("service", "服务项目", ["婚前医学检查", "助产技术", "结扎手术", "终止妊娠手术"])],
    "《中华人民共和国母婴保健法》第三十二条。",
)
it(
    "wjw",
    "permit",
    "集中式供水单位卫生许可",
    20,
    10,
    2,
    [form("供水单位卫生许可"), m("水质检验报告"), RULES],
    [num("capacity", "日供水能力（吨）")],
    "《生活饮用水卫生监督管理办法》。",
)
it(
    "wjw",
    "other",
    "出生医学证明补发",
    10,
    3,
    3,
    [form("出生医学证明补发"), ID_CARD, m("出生医学证明遗失声明", required=False)],
    [text("child_name", "新生儿姓名"), day("birth_date", "出生日期")],
    "《中华人民共和国母婴保健法》第二十三条。",
)
it(
    "wjw",
    "permit",
    "消毒产品生产企业卫生许可",
    20,
    10,
    2,
    [form("消毒产品生产企业"), LICENCE, LAYOUT, m("产品检验报告")],
    [text("product", "生产产品类别")],
    "《消毒管理办法》。",
)
it(
    "wjw",
    "other",
    "职业病诊断",
    30,
    15,
    2,
    [form("职业病诊断"), ID_CARD, m("职业史和职业病危害接触史证明"), m("病历资料")],
    [text("employer", "用人单位")],
    "《中华人民共和国职业病防治法》第四十六条。",
)

# --- 公安局 -----------------------------------------------------------------------------

it(
    "gaj",
    "confirmation",
    "居民身份证申领",
    60,
    30,
    1,
    [ID_CARD],
    [],
    "《中华人民共和国居民身份证法》第八条。",
    offline="申领居民身份证须本人到场采集人像和指纹信息，请到户籍所在地派出所或大厅公安窗口办理。",
)
it(
    "gaj",
    "confirmation",
    "普通护照签发",
    7,
    7,
    1,
    [ID_CARD],
    [],
    "《中华人民共和国护照法》第五条。",
    offline="申请护照须本人到场采集指纹和人像，并核验身份证原件，不能网上办理。",
)
it(
    "gaj",
    "permit",
    "户口迁移审批",
    20,
    5,
    3,
    [form("户口迁移"), ID_CARD, m("居民户口簿"), m("迁入地住所证明")],
    [pick("reason", "迁移原因", ["购房落户", "投靠亲属", "人才引进", "就业落户"]), text("to_address", "迁入地址")],
    "《中华人民共和国户口登记条例》。",
)
it(
    "gaj",
    "permit",
    "剧毒化学品购买许可",
    3,
    1,
    3,
    [form("剧毒化学品购买"), LICENCE, m("购买用途说明"), m("经办人身份证明")],
    [text("chemical", "品名"), num("quantity", "数量（千克）")],
    "《危险化学品安全管理条例》第三十九条。",
)
it(
    "gaj",
    "permit",
    "大型群众性活动安全许可",
    7,
    5,
    3,
    [form("大型活动安全许可"), m("活动方案"), m("安全工作方案"), SITE],
    [day("event_date", "活动日期"), num("attendance", "预计人数"), text("venue", "活动场所")],
    "《大型群众性活动安全管理条例》第十一条。",
)
it(
    "gaj",
    "permit",
    "旅馆业特种行业许可",
    20,
    10,
    2,
    [form("旅馆业特种行业许可"), LICENCE, SITE, m("消防安全检查合格证明")],
    [*SITE_FIELDS, num("rooms", "客房数")],
    "《旅馆业治安管理办法》第四条。",
)
it("gaj", "permit", "印章刻制业特种行业许可", 20, 10, 2, [form("印章刻制业许可"), LICENCE, SITE, RULES], SITE_FIELDS)
it(
    "gaj",
    "confirmation",
    "机动车注册登记",
    2,
    1,
    2,
    [form("机动车注册登记"), ID_CARD, m("购车发票"), m("车辆合格证")],
    VEHICLE_FIELDS,
    "《中华人民共和国道路交通安全法》第八条。",
    conditions="须将车辆送至查验场查验，申请在大厅或车管所提交。",
)
it(
    "gaj",
    "permit",
    "保安服务公司设立许可",
    20,
    15,
    2,
    [form("保安服务公司设立"), m("拟任保安服务公司主要负责人证明"), RULES],
    [num("registered_capital", "注册资本（万元）")],
    "《保安服务管理条例》第九条。",
)
it(
    "gaj",
    "permit",
    "爆破作业单位许可",
    20,
    15,
    2,
    [form("爆破作业单位许可"), STAFF, m("爆破器材库房证明"), RULES],
    [pick("grade", "资质等级", ["非营业性", "营业性四级", "营业性三级"])],
    "《民用爆炸物品安全管理条例》第三十一条。",
)

# --- 交通运输局 --------------------------------------------------------------------------

TRANSPORT = [num("vehicle_count", "车辆数（辆）"), num("driver_count", "驾驶员人数")]
it(
    "jtj",
    "permit",
    "道路旅客运输经营许可",
    20,
    10,
    2,
    [form("道路旅客运输经营"), LICENCE, m("车辆技术等级评定证明"), m("驾驶员从业资格证"), RULES],
    [*TRANSPORT, pick("scope", "经营范围", ["班车客运", "包车客运", "旅游客运"])],
    "《中华人民共和国道路运输条例》第十条。",
)
it(
    "jtj",
    "permit",
    "道路货物运输经营许可",
    20,
    5,
    3,
    [form("道路货物运输经营"), LICENCE, m("车辆行驶证"), m("驾驶员从业资格证")],
    TRANSPORT,
    "《中华人民共和国道路运输条例》第二十四条。",
)
it(
    "jtj",
    "permit",
    "出租汽车经营许可",
    20,
    10,
    2,
    [form("出租汽车经营"), LICENCE, m("车辆来源证明"), RULES],
    TRANSPORT,
    "《巡游出租汽车经营服务管理规定》。",
)
it(
    "jtj",
    "permit",
    "网络预约出租汽车驾驶员证核发",
    20,
    5,
    3,
    [form("网约车驾驶员证"), ID_CARD, m("机动车驾驶证"), m("无犯罪记录证明")],
    [text("driving_licence", "驾驶证号"), num("driving_years", "驾龄（年）")],
    "《网络预约出租汽车经营服务管理暂行办法》。",
)
it(
    "jtj",
    "filing",
    "机动车维修经营备案",
    5,
    1,
    4,
    [LICENCE, SITE, m("维修设备设施清单")],
    [pick("category", "维修类别", ["一类机动车维修", "二类机动车维修", "三类机动车维修"]), *SITE_FIELDS],
    "《机动车维修管理规定》。",
)
it(
    "jtj",
    "permit",
    "道路运输从业人员从业资格证核发",
    20,
    5,
    3,
    [form("从业资格"), ID_CARD, m("机动车驾驶证")],
    [pick("qualification", "从业资格类别", ["道路旅客运输驾驶员", "道路货物运输驾驶员", "危险货物运输驾驶员"])],
)
it(
    "jtj",
    "permit",
    "超限运输车辆行驶公路许可",
    15,
    2,
    3,
    [form("超限运输"), m("车辆行驶证"), m("货物说明及护送方案")],
    [*VEHICLE_FIELDS, num("total_weight", "车货总质量（吨）"), text("route", "通行路线")],
    "《公路安全保护条例》第三十五条。",
)
it(
    "jtj",
    "permit",
    "公路建设项目施工许可",
    20,
    10,
    2,
    [form("公路施工许可"), m("施工图设计批复"), m("施工合同")],
    PROJECT_FIELDS,
    "《公路建设市场管理办法》。",
)
it(
    "jtj",
    "permit",
    "涉路施工许可",
    20,
    5,
    3,
    [form("涉路施工"), m("施工方案"), m("交通安全保障方案")],
    [text("road", "涉及公路名称及桩号"), day("start_date", "计划施工日期")],
    "《中华人民共和国公路法》第四十四条。",
)
it(
    "jtj",
    "permit",
    "港口经营许可",
    30,
    15,
    2,
    [form("港口经营"), LICENCE, m("港口设施证明"), RULES],
    [text("berth", "泊位")],
    "《港口经营管理规定》。",
)
it(
    "jtj",
    "filing",
    "机动车驾驶员培训机构备案",
    5,
    2,
    4,
    [LICENCE, SITE, m("教练员名册")],
    [num("coach_count", "教练员人数")],
)

# --- 人力资源和社会保障局 ----------------------------------------------------------------

PERSON = [text("work_unit", "工作单位", required=False), day("start_date", "开始日期")]
it(
    "rsj",
    "permit",
    "人力资源服务许可",
    20,
    5,
    3,
    [form("人力资源服务许可"), LICENCE, SITE, RULES],
    [*ORG_FIELDS],
    "《人力资源市场暂行条例》第十八条。",
)
it(
    "rsj",
    "permit",
    "劳务派遣经营许可",
    20,
    5,
    3,
    [form("劳务派遣经营许可"), LICENCE, m("验资证明"), RULES],
    [num("registered_capital", "注册资本（万元）")],
    "《中华人民共和国劳动合同法》第五十七条。",
)
it(
    "rsj",
    "permit",
    "企业实行不定时工作制和综合计算工时工作制审批",
    20,
    5,
    3,
    [form("特殊工时"), LICENCE, m("职工代表大会意见")],
    [pick("hours_type", "工时制度", ["不定时工作制", "综合计算工时工作制"]), num("employee_count", "涉及职工人数")],
)
it("rsj", "confirmation", "就业登记", 5, 1, 4, [ID_CARD, m("劳动合同")], PERSON)
it(
    "rsj",
    "other",
    "失业保险金申领",
    10,
    3,
    4,
    [ID_CARD, m("解除或终止劳动关系证明")],
    [day("leave_date", "离职日期"), text("bank_account", "社会保障卡金融账户")],
    "《失业保险条例》第十四条。",
)
it(
    "rsj",
    "other",
    "职业技能等级证书补发",
    10,
    5,
    4,
    [ID_CARD, m("遗失声明", required=False)],
    [text("cert_no", "原证书编号", required=False)],
)
it(
    "rsj",
    "confirmation",
    "企业职工社会保险参保登记",
    5,
    1,
    4,
    [LICENCE, m("职工名册")],
    [num("employee_count", "参保人数")],
    "《中华人民共和国社会保险法》第五十七条。",
)
it(
    "rsj",
    "confirmation",
    "工伤认定",
    60,
    30,
    3,
    [form("工伤认定"), ID_CARD, m("劳动关系证明"), m("医疗诊断证明")],
    [day("injury_date", "受伤日期"), long("injury_detail", "事故经过", required=True)],
    "《工伤保险条例》第十七条。",
)
it(
    "rsj",
    "permit",
    "技工学校设立审批",
    20,
    15,
    2,
    [form("技工学校设立"), m("办学章程"), SITE, STAFF],
    [num("students", "计划招生规模")],
)
it(
    "rsj",
    "permit",
    "民办职业技能培训机构设立审批",
    20,
    10,
    2,
    [form("民办职业培训机构"), SITE, STAFF],
    [text("courses", "培训项目")],
    "《中华人民共和国民办教育促进法》。",
)

# --- 生态环境局 --------------------------------------------------------------------------

ENV = [*PROJECT_FIELDS[:2], pick("industry", "行业类别", ["化工", "制造业", "房地产", "交通", "市政", "医药"])]
it(
    "sthjj",
    "permit",
    "建设项目环境影响报告书审批",
    60,
    20,
    3,
    [form("环境影响评价"), m("环境影响报告书"), m("公众参与说明")],
    ENV,
    "《中华人民共和国环境影响评价法》第二十二条。",
)
it("sthjj", "permit", "建设项目环境影响报告表审批", 30, 10, 3, [form("环境影响评价"), m("环境影响报告表")], ENV)
it("sthjj", "filing", "建设项目环境影响登记表备案", 1, 1, 4, [m("环境影响登记表")], ENV)
it(
    "sthjj",
    "permit",
    "排污许可证核发",
    20,
    10,
    3,
    [form("排污许可"), m("自行监测方案"), m("污染防治设施说明")],
    [*ENV[:2], pick("management", "管理类别", ["重点管理", "简化管理"])],
    "《排污许可管理条例》第八条。",
)
it(
    "sthjj",
    "permit",
    "危险废物经营许可证核发",
    20,
    15,
    2,
    [form("危险废物经营"), m("经营设施证明"), STAFF, RULES],
    [text("waste_codes", "经营危险废物类别"), num("capacity", "年经营规模（吨）")],
    "《危险废物经营许可证管理办法》。",
)
it(
    "sthjj",
    "permit",
    "辐射安全许可证核发",
    20,
    10,
    2,
    [form("辐射安全许可"), m("辐射安全管理制度"), STAFF],
    [pick("source", "射线装置或放射源类别", ["Ⅲ类射线装置", "Ⅱ类射线装置", "Ⅳ、Ⅴ类放射源"])],
    "《放射性同位素与射线装置安全和防护条例》。",
)
it(
    "sthjj",
    "permit",
    "危险废物转移审批",
    20,
    5,
    3,
    [form("危险废物转移"), m("转移计划"), m("接收单位经营许可证")],
    [text("waste_code", "废物代码"), num("quantity", "转移数量（吨）")],
    "《危险废物转移管理办法》。",
)
it("sthjj", "filing", "突发环境事件应急预案备案", 20, 5, 4, [m("突发环境事件应急预案"), m("环境风险评估报告")], ENV[:1])
it("sthjj", "filing", "消耗臭氧层物质销售备案", 5, 2, 3, [LICENCE, m("销售记录")], [text("substance", "物质名称")])
it(
    "sthjj",
    "permit",
    "环境污染防治设施拆除或闲置审批",
    20,
    10,
    2,
    [form("防治设施拆除闲置"), m("替代措施说明")],
    [text("facility", "设施名称")],
)

# --- 自由组合：其余部门 ------------------------------------------------------------------

it(
    "fgw",
    "permit",
    "企业投资项目核准",
    20,
    10,
    3,
    [form("项目核准"), m("项目申请报告"), m("用地预审意见")],
    PROJECT_FIELDS,
    "《企业投资项目核准和备案管理条例》第六条。",
)
it(
    "fgw",
    "filing",
    "企业投资项目备案",
    3,
    1,
    4,
    [m("项目基本情况表")],
    [*PROJECT_FIELDS, long("content", "建设规模及内容", required=True)],
)
it(
    "fgw",
    "permit",
    "固定资产投资项目节能审查",
    20,
    8,
    3,
    [form("节能审查"), m("节能报告")],
    [*PROJECT_FIELDS[:1], num("energy_tce", "年综合能源消费量（吨标准煤）")],
    "《固定资产投资项目节能审查办法》。",
)
it(
    "fgw",
    "permit",
    "政府投资项目可行性研究报告审批",
    20,
    10,
    2,
    [form("可行性研究报告审批"), m("可行性研究报告")],
    PROJECT_FIELDS,
    "《政府投资条例》第九条。",
)
it(
    "fgw",
    "filing",
    "粮食收购企业备案",
    5,
    2,
    4,
    [LICENCE, m("仓储设施证明")],
    [num("storage", "仓容（吨）")],
    "《粮食流通管理条例》第九条。",
)
it("fgw", "other", "涉案财物价格认定", 20, 10, 2, [form("价格认定"), m("价格认定协助书")], [text("object", "认定标的")])
it(
    "fgw",
    "permit",
    "依法必须招标项目招标方案核准",
    20,
    5,
    3,
    [form("招标方案核准"), m("招标方案")],
    [*PROJECT_FIELDS[:1], pick("bid_mode", "招标方式", ["公开招标", "邀请招标"])],
    "《中华人民共和国招标投标法实施条例》第七条。",
)

it(
    "jyj",
    "permit",
    "民办学校设立审批",
    20,
    15,
    2,
    [form("民办学校设立"), m("办学章程"), SITE, STAFF, m("资产来源证明")],
    [text("school_name", "学校名称"), pick("level", "办学层次", ["幼儿园", "小学", "初中", "高中"])],
    "《中华人民共和国民办教育促进法》第十二条。",
)
it(
    "jyj",
    "permit",
    "民办学校变更审批",
    20,
    10,
    2,
    [form("民办学校变更"), m("理事会决议")],
    [pick("change_item", "变更事项", ["举办者", "校址", "名称", "办学层次"])],
)
it(
    "jyj",
    "confirmation",
    "中小学教师资格认定",
    20,
    10,
    3,
    [form("教师资格认定"), ID_CARD, m("学历证书"), m("普通话水平测试等级证书"), m("体检合格证明")],
    [
        pick(
            "subject",
            "任教学科",
            ["语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "体育", "音乐", "美术"],
        ),
        pick("level", "资格种类", ["小学", "初级中学", "高级中学"]),
    ],
    "《教师资格条例》。",
)
it(
    "jyj",
    "permit",
    "校外培训机构设立审批",
    20,
    10,
    2,
    [form("校外培训机构"), SITE, STAFF],
    [text("courses", "培训内容")],
)
it(
    "jyj",
    "other",
    "义务教育阶段转学",
    5,
    2,
    4,
    [ID_CARD, m("户口簿或居住证")],
    [text("from_school", "原就读学校"), text("to_school", "拟转入学校")],
)
it(
    "jyj",
    "other",
    "教师资格证书补发换发",
    10,
    3,
    4,
    [ID_CARD, m("遗失声明", required=False)],
    [text("cert_no", "原证书编号")],
)
it(
    "jyj",
    "permit",
    "校车使用许可",
    20,
    10,
    2,
    [form("校车使用许可"), m("校车标牌申领表"), m("驾驶人资格证明")],
    [text("plate_no", "车牌号码"), text("route", "行驶线路")],
    "《校车安全管理条例》第十四条。",
)

it(
    "mzj",
    "permit",
    "社会团体成立登记",
    60,
    15,
    3,
    [form("社会团体成立登记"), m("章程草案"), m("业务主管单位批准文件"), m("住所证明")],
    [text("org_name", "社会团体名称"), num("members", "会员数")],
    "《社会团体登记管理条例》第十一条。",
)
it(
    "mzj",
    "permit",
    "民办非企业单位成立登记",
    60,
    15,
    3,
    [form("民办非企业单位登记"), m("章程草案"), m("验资报告"), SITE],
    [text("org_name", "单位名称"), num("funds", "开办资金（万元）")],
    "《民办非企业单位登记管理暂行条例》。",
)
it(
    "mzj",
    "permit",
    "慈善组织认定",
    20,
    10,
    2,
    [form("慈善组织认定"), m("章程"), m("财务审计报告")],
    [text("org_name", "组织名称")],
    "《中华人民共和国慈善法》第十条。",
)
it(
    "mzj",
    "filing",
    "养老机构备案",
    5,
    2,
    4,
    [LICENCE, SITE, m("消防安全承诺书")],
    [num("beds", "床位数")],
    "《养老机构管理办法》。",
)
it(
    "mzj",
    "confirmation",
    "最低生活保障审核确认",
    30,
    15,
    3,
    [form("最低生活保障"), ID_CARD, m("家庭收入和财产情况说明")],
    [num("family_size", "家庭人口（人）"), num("income", "家庭月收入（元）")],
    "《社会救助暂行办法》第十一条。",
)
it(
    "mzj",
    "confirmation",
    "结婚登记",
    1,
    1,
    1,
    [ID_CARD, m("居民户口簿")],
    [],
    "《婚姻登记条例》第四条。",
    offline="依照《婚姻登记条例》，结婚登记须男女双方亲自到婚姻登记机关当场申请，不能网上办理；可在网上预约登记时间。",
)
it(
    "mzj",
    "permit",
    "殡葬设施建设审批",
    20,
    10,
    2,
    [form("殡葬设施建设"), PLAN],
    [text("site", "建设地点")],
    "《殡葬管理条例》第八条。",
)

it(
    "sfj",
    "permit",
    "律师执业许可",
    20,
    10,
    3,
    [form("律师执业"), m("法律职业资格证书"), m("律师协会实习考核合格材料"), ID_CARD],
    [text("law_firm", "拟执业律师事务所")],
    "《中华人民共和国律师法》第六条。",
)
it(
    "sfj",
    "permit",
    "律师事务所设立许可",
    20,
    10,
    3,
    [form("律师事务所设立"), m("章程"), m("合伙协议"), SITE],
    [
        text("firm_name", "律师事务所名称"),
        pick("firm_type", "组织形式", ["普通合伙", "特殊的普通合伙", "个人律师事务所"]),
    ],
)
it(
    "sfj",
    "other",
    "法律援助申请",
    7,
    3,
    4,
    [ID_CARD, m("经济困难状况说明"), m("与所申请事项相关的材料")],
    [
        pick(
            "matter",
            "援助事项",
            ["请求支付劳动报酬", "请求给予社会保险待遇", "请求支付赡养费、抚养费、扶养费", "请求工伤事故赔偿"],
        ),
        long("facts", "案情简述", required=True),
    ],
    "《中华人民共和国法律援助法》第三十一条。",
)
it(
    "sfj",
    "permit",
    "基层法律服务工作者执业核准",
    20,
    10,
    2,
    [form("基层法律服务工作者执业"), ID_CARD, m("学历证明")],
    [text("office", "拟执业基层法律服务所")],
)
it(
    "sfj",
    "permit",
    "公证员执业审核",
    20,
    10,
    2,
    [form("公证员执业"), m("法律职业资格证书"), m("公证机构推荐书")],
    [text("office", "公证机构")],
)
it(
    "sfj",
    "permit",
    "司法鉴定机构登记",
    30,
    20,
    2,
    [form("司法鉴定机构登记"), m("仪器设备说明"), STAFF],
    [pick("field", "鉴定业务", ["法医类", "物证类", "声像资料类", "环境损害"])],
    "《司法鉴定机构登记管理办法》。",
)

it(
    "czj",
    "permit",
    "代理记账机构审批",
    20,
    5,
    3,
    [form("代理记账资格"), LICENCE, m("专职从业人员会计资格证明"), RULES],
    [num("accountant_count", "专职从业人员数")],
    "《中华人民共和国会计法》第三十六条；《代理记账管理办法》。",
)
it(
    "czj",
    "other",
    "政府采购投诉处理",
    30,
    20,
    3,
    [form("政府采购投诉"), m("投诉书"), m("质疑及答复材料")],
    [text("project", "采购项目名称"), long("claim", "投诉事项", required=True)],
    "《政府采购质疑和投诉办法》。",
)
it(
    "czj",
    "other",
    "会计专业技术资格证书补办",
    10,
    3,
    4,
    [ID_CARD],
    [pick("level", "资格级别", ["初级", "中级", "高级"])],
)
it("czj", "other", "非税收入电子缴款", 1, 1, 4, [m("缴款通知书")], [text("notice_no", "缴款通知书编号")])
it(
    "czj",
    "permit",
    "行政事业单位国有资产处置审批",
    20,
    10,
    2,
    [form("国有资产处置"), m("资产清单"), m("评估报告")],
    [num("book_value", "账面价值（万元）")],
)
it("czj", "filing", "代理记账机构变更备案", 5, 2, 4, [m("变更事项说明"), LICENCE], [text("change_item", "变更事项")])

it(
    "slj",
    "permit",
    "取水许可",
    45,
    15,
    3,
    [form("取水许可"), m("建设项目水资源论证报告"), m("取水工程设计说明")],
    [num("annual_volume", "年取水量（万立方米）"), pick("source", "水源类型", ["地表水", "地下水"])],
    "《取水许可和水资源费征收管理条例》第十一条。",
)
it("slj", "permit", "水利基建项目初步设计审批", 20, 10, 2, [form("初步设计审批"), m("初步设计报告")], PROJECT_FIELDS)
it(
    "slj",
    "permit",
    "河道管理范围内建设项目工程建设方案审批",
    20,
    10,
    3,
    [form("涉河建设方案"), PLAN, m("防洪评价报告")],
    [text("river", "河道名称"), *PROJECT_FIELDS[:1]],
    "《中华人民共和国防洪法》第二十七条。",
)
it(
    "slj",
    "permit",
    "生产建设项目水土保持方案审批",
    20,
    5,
    3,
    [form("水土保持方案"), m("水土保持方案报告书")],
    [*PROJECT_FIELDS[:1], num("disturbed_area", "扰动地表面积（公顷）")],
    "《中华人民共和国水土保持法》第二十五条。",
)
it("slj", "permit", "洪水影响评价类审批", 20, 10, 2, [form("洪水影响评价"), REPORT], PROJECT_FIELDS[:2])
it(
    "slj",
    "permit",
    "城镇污水排入排水管网许可",
    20,
    5,
    3,
    [form("排水许可"), m("排水口位置图"), m("水质检测报告")],
    [num("daily_volume", "日排水量（立方米）")],
    "《城镇排水与污水处理条例》第二十一条。",
)
it(
    "slj",
    "permit",
    "农村集体经济组织修建水库审批",
    20,
    15,
    2,
    [form("修建水库"), PLAN],
    [num("capacity", "库容（万立方米）")],
)

it(
    "nyncj",
    "permit",
    "农药经营许可",
    20,
    10,
    3,
    [form("农药经营许可"), LICENCE, SITE, STAFF],
    SITE_FIELDS,
    "《农药管理条例》第二十四条。",
)
it(
    "nyncj",
    "permit",
    "兽药经营许可证核发",
    20,
    10,
    2,
    [form("兽药经营许可"), LICENCE, SITE, STAFF],
    SITE_FIELDS,
    "《兽药管理条例》第二十二条。",
)
it(
    "nyncj",
    "permit",
    "农作物种子生产经营许可",
    20,
    10,
    3,
    [form("种子生产经营"), LICENCE, m("种子检验设备清单")],
    [pick("crop", "作物种类", ["水稻", "小麦", "玉米", "蔬菜", "其他"])],
    "《中华人民共和国种子法》第三十一条。",
)
it(
    "nyncj",
    "permit",
    "动物防疫条件合格证核发",
    20,
    10,
    2,
    [form("动物防疫条件"), LAYOUT, RULES],
    [pick("site_type", "场所类型", ["动物饲养场", "屠宰加工场所", "无害化处理场所"])],
    "《中华人民共和国动物防疫法》第二十五条。",
)
it(
    "nyncj",
    "permit",
    "生鲜乳收购站许可",
    20,
    10,
    2,
    [form("生鲜乳收购"), LICENCE, m("化验检测设备证明")],
    [num("capacity", "日收购能力（吨）")],
)
it(
    "nyncj",
    "confirmation",
    "拖拉机和联合收割机登记",
    5,
    2,
    2,
    [form("农机登记"), ID_CARD, m("来历证明")],
    [text("engine_no", "发动机号")],
    conditions="须将机具送检验机构检验，申请在大厅提交。",
)
it(
    "nyncj",
    "permit",
    "农村村民宅基地审批（北山区）",
    20,
    10,
    2,
    [form("宅基地"), ID_CARD, m("村民小组会议决议")],
    [num("area", "申请面积（平方米）"), text("village", "所在村")],
    "《中华人民共和国土地管理法》第六十二条。",
    district="990105",
)
it("nyncj", "permit", "渔业捕捞许可", 20, 10, 2, [form("捕捞许可"), m("渔业船舶证书")], [text("vessel", "船名号")])

it(
    "swj",
    "filing",
    "对外贸易经营者备案",
    5,
    1,
    4,
    [LICENCE, m("对外贸易经营者备案登记表")],
    [text("en_name", "企业英文名称", required=False)],
    "《中华人民共和国对外贸易法》第九条。",
)
it(
    "swj",
    "permit",
    "成品油零售经营资格审批",
    20,
    15,
    2,
    [form("成品油零售"), LICENCE, m("加油站规划确认文件"), m("消防验收文件")],
    [text("station", "加油站名称")],
)
it(
    "swj",
    "filing",
    "单用途商业预付卡发卡企业备案",
    5,
    2,
    4,
    [LICENCE, m("预付卡章程"), m("资金存管协议")],
    [num("cards", "预计发卡量（张）")],
)
it(
    "swj",
    "permit",
    "拍卖企业设立审批",
    20,
    10,
    2,
    [form("拍卖企业设立"), LICENCE, m("拍卖师资格证书")],
    ORG_FIELDS[:1],
    "《中华人民共和国拍卖法》第十一条。",
)
it("swj", "filing", "再生资源回收经营者备案", 5, 2, 4, [LICENCE, SITE], SITE_FIELDS)
it(
    "swj",
    "permit",
    "报废机动车回收拆解企业资质认定",
    20,
    15,
    2,
    [form("报废机动车回收"), SITE, m("环境影响评价批复")],
    SITE_FIELDS,
)

it(
    "wgly",
    "permit",
    "营业性演出许可",
    20,
    3,
    3,
    [form("营业性演出"), m("演出节目内容材料"), m("演员名单及身份证明")],
    [text("show_name", "演出名称"), day("show_date", "演出日期"), text("venue", "演出场所")],
    "《营业性演出管理条例》第十三条。",
)
it(
    "wgly",
    "permit",
    "娱乐场所经营许可",
    20,
    10,
    2,
    [form("娱乐场所经营"), LICENCE, SITE, LAYOUT],
    [*SITE_FIELDS, pick("venue_type", "场所类型", ["歌舞娱乐场所", "游艺娱乐场所"])],
    "《娱乐场所管理条例》第九条。",
)
it(
    "wgly",
    "permit",
    "旅行社设立许可",
    20,
    10,
    3,
    [form("旅行社设立"), LICENCE, SITE, m("质量保证金存缴证明")],
    [text("agency_name", "旅行社名称")],
    "《旅行社条例》第六条。",
)
it(
    "wgly",
    "permit",
    "互联网上网服务营业场所经营许可",
    20,
    10,
    2,
    [form("上网服务营业场所"), LICENCE, SITE, LAYOUT],
    [*SITE_FIELDS, num("terminals", "计算机台数")],
    "《互联网上网服务营业场所管理条例》第十一条。",
)
it(
    "wgly",
    "permit",
    "出版物零售业务经营许可",
    20,
    10,
    3,
    [form("出版物零售"), LICENCE, SITE],
    SITE_FIELDS,
    "《出版管理条例》第三十七条。",
)
it(
    "wgly",
    "permit",
    "广播电视节目制作经营许可",
    20,
    10,
    2,
    [form("节目制作经营"), LICENCE, STAFF],
    [text("company", "机构名称")],
    "《广播电视节目制作经营管理规定》。",
)
it(
    "wgly",
    "permit",
    "设置卫星电视广播地面接收设施审批",
    20,
    10,
    2,
    [form("卫星地面接收设施"), m("使用说明")],
    [text("site", "安装地点")],
)
it("wgly", "filing", "艺术品经营单位备案", 5, 2, 4, [LICENCE], [text("scope", "经营范围")], "《艺术品经营管理办法》。")

it(
    "yjj",
    "permit",
    "危险化学品经营许可",
    30,
    10,
    3,
    [form("危险化学品经营"), LICENCE, SITE, RULES, STAFF],
    [*SITE_FIELDS, text("chemicals", "经营品种")],
    "《危险化学品安全管理条例》第三十五条。",
)
it(
    "yjj",
    "permit",
    "危险化学品安全使用许可",
    45,
    15,
    2,
    [form("危险化学品安全使用"), m("安全评价报告"), RULES],
    [text("chemicals", "使用品种"), num("annual_use", "年使用量（吨）")],
)
it(
    "yjj",
    "permit",
    "烟花爆竹经营（零售）许可",
    20,
    5,
    3,
    [form("烟花爆竹零售"), LICENCE, SITE],
    SITE_FIELDS,
    "《烟花爆竹安全管理条例》第十九条。",
)
it(
    "yjj",
    "filing",
    "非药品类易制毒化学品生产经营备案",
    10,
    3,
    4,
    [LICENCE, m("品种、产量说明")],
    [text("chemical", "品种")],
)
it(
    "yjj",
    "filing",
    "生产经营单位生产安全事故应急预案备案",
    20,
    5,
    4,
    [m("应急预案"), m("评审意见")],
    [pick("grade", "预案级别", ["综合预案", "专项预案", "现场处置方案"])],
)
it(
    "yjj",
    "permit",
    "危险化学品建设项目安全条件审查",
    45,
    15,
    2,
    [form("安全条件审查"), m("安全评价报告"), PLAN],
    PROJECT_FIELDS[:2],
)
it(
    "yjj",
    "permit",
    "金属冶炼建设项目安全设施设计审查",
    20,
    15,
    2,
    [form("安全设施设计审查"), m("安全设施设计")],
    PROJECT_FIELDS[:1],
)

it(
    "cgj",
    "permit",
    "城市建筑垃圾处置核准",
    20,
    5,
    3,
    [form("建筑垃圾处置"), m("处置方案"), m("运输单位和车辆证明")],
    [text("site", "工地名称"), num("volume", "处置量（立方米）")],
    "《城市建筑垃圾管理规定》第七条。",
)
it(
    "cgj",
    "permit",
    "设置大型户外广告审批",
    20,
    10,
    2,
    [form("户外广告"), m("广告设计效果图"), m("场地使用证明")],
    [text("location", "设置地点"), num("area", "广告面积（平方米）")],
    "《城市市容和环境卫生管理条例》第十一条。",
)
it(
    "cgj",
    "permit",
    "城市道路挖掘许可",
    20,
    5,
    3,
    [form("道路挖掘"), m("施工方案"), m("交通组织方案")],
    [text("road", "道路名称"), day("start_date", "计划施工日期")],
    "《城市道路管理条例》第三十条。",
)
it(
    "cgj",
    "permit",
    "临时占用城市道路许可",
    20,
    5,
    3,
    [form("临时占道"), m("占道示意图")],
    [text("road", "道路名称"), num("days", "占用天数")],
)
it(
    "cgj",
    "permit",
    "砍伐城市树木审批",
    20,
    10,
    3,
    [form("砍伐城市树木"), m("树木现状照片", formats="jpg,png")],
    [num("trees", "株数"), text("reason", "砍伐原因")],
    "《城市绿化条例》第二十条。",
)
it(
    "cgj",
    "permit",
    "城市生活垃圾经营性清扫收集运输服务审批",
    20,
    10,
    3,
    [form("生活垃圾清运"), LICENCE, m("车辆清单")],
    [num("vehicles", "车辆数")],
)
it(
    "cgj",
    "permit",
    "占用城市绿地审批（西湖区）",
    20,
    10,
    3,
    [form("占用绿地"), m("占用方案")],
    [num("area", "占用面积（平方米）")],
    district="990103",
)

it(
    "lyj",
    "permit",
    "林木采伐许可证核发",
    20,
    5,
    3,
    [form("林木采伐"), m("林木权属证明"), m("伐区调查设计")],
    [num("volume", "采伐蓄积（立方米）"), pick("method", "采伐方式", ["皆伐", "择伐", "渐伐"])],
    "《中华人民共和国森林法》第五十六条。",
)
it(
    "lyj",
    "permit",
    "建设项目使用林地审核",
    20,
    10,
    2,
    [form("使用林地"), m("使用林地可行性报告")],
    [num("area", "使用林地面积（公顷）")],
)
it(
    "lyj",
    "permit",
    "林草种子生产经营许可",
    20,
    10,
    2,
    [form("林草种子生产经营"), LICENCE],
    [text("species", "树（草）种")],
)
it(
    "lyj",
    "permit",
    "陆生野生动物人工繁育许可",
    20,
    10,
    2,
    [form("人工繁育"), m("繁育场所证明"), m("繁育技术方案")],
    [text("species", "物种")],
)
it(
    "lyj",
    "permit",
    "植物检疫证书核发",
    20,
    5,
    3,
    [form("植物检疫"), m("产地检疫合格证")],
    [text("plant", "植物名称"), num("quantity", "数量")],
)
it(
    "lyj",
    "permit",
    "森林防火期内野外用火审批",
    20,
    3,
    3,
    [form("野外用火"), m("防火措施说明")],
    [day("fire_date", "用火日期")],
)

it(
    "rfb",
    "permit",
    "结合民用建筑修建防空地下室审批",
    20,
    10,
    3,
    [form("防空地下室"), m("建设工程规划许可证"), m("防空地下室设计文件")],
    [*BUILDING, num("shelter_area", "防空地下室面积（平方米）")],
    "《中华人民共和国人民防空法》第二十二条。",
)
it("rfb", "permit", "防空地下室易地建设审批", 20, 10, 2, [form("易地建设"), m("易地建设理由说明")], [*BUILDING])
it("rfb", "filing", "人民防空工程竣工验收备案", 15, 5, 4, [m("人防工程竣工验收报告"), m("质量监督报告")], [*BUILDING])
it("rfb", "filing", "人民防空工程施工图设计文件审查备案", 5, 3, 3, [m("人防施工图"), m("审查合格书")], BUILDING)
it(
    "rfb",
    "permit",
    "拆除人民防空警报设施审批",
    20,
    10,
    1,
    [form("拆除警报设施"), m("迁建方案")],
    [],
    "《中华人民共和国人民防空法》第二十七条。",
    offline="人民防空警报设施的布局属于国家秘密，申请须到大厅人防窗口当面提交，不在网上办理。",
)
