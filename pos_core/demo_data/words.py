"""The demo catalog's vocabulary: departments, categories, brands, product families, sizes.

A product name is built from words: brand + product + flavour + packaging variant + size,
e.g. 农夫山泉 饮用天然水 550ml / Nongfu Spring Natural Water 550ml / nfsqyystrs. Every
word carries the lower-case pinyin initials of its Chinese characters, written here by
hand, so a million names need no pinyin library (the tests check them against pypinyin).

The tables are written in a small notation, read once when this module is imported:
- a word is `中文:initials:English`, and a brand may add its barcode region
  (`爱他美:atm:Aptamil:de`; see `REGIONS` in `catalog`); a size without Chinese is just
  its label (`550ml`);
- a list of words or sizes is separated by `;`; a size carries its price range in yuan,
  `550ml=1.5-3` (per kg for weighed goods);
- a family names its brands by their Chinese name from `BRANDS`, separated by spaces;
  `-` stands for no brand (loose eggs are just 鸡蛋 散装).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final


@dataclass(frozen=True, slots=True)
class Word:
    zh: str
    initials: str  # pinyin initials of the Chinese characters only, lower case
    en: str
    region: str = "cn"  # brands only: where their barcodes are registered


NO_WORD: Final = Word("", "", "")


@dataclass(frozen=True, slots=True)
class Size:
    word: Word
    low_fen: int  # the price range for this size, in fen (per kg when weighed)
    high_fen: int


@dataclass(frozen=True, slots=True)
class Family:
    """One product sold under several brands, flavours and sizes."""

    product: Word
    brands: tuple[Word, ...]
    sizes: tuple[Size, ...]
    flavours: tuple[Word, ...] = (NO_WORD,)
    weighed: bool = False

    @property
    def combinations(self) -> int:
        return len(self.brands) * len(self.flavours) * len(self.sizes)


@dataclass(frozen=True, slots=True)
class Category:
    """A leaf category; `weight` is its share of the packaged catalog."""

    code: str
    zh: str
    en: str
    weight: int
    families: tuple[Family, ...]
    tax_code: str | None = None  # None: the department's
    points_multiplier: str | None = None  # None: the department's


@dataclass(frozen=True, slots=True)
class Department:
    code: str
    zh: str
    en: str
    tax_code: str
    points_multiplier: str
    categories: tuple[Category, ...]
    points_eligible: bool = True


# --- the notation ----------------------------------------------------------------------


def word(text: str) -> Word:
    parts = [part.strip() for part in text.split(":")]
    if len(parts) == 1:  # a label without Chinese: 550ml
        return Word(parts[0], "", parts[0])
    if len(parts) not in (3, 4):
        raise ValueError(f"word {text!r}: expected 中文:initials:English[:region]")
    return Word(*parts)


def words(text: str) -> tuple[Word, ...]:
    return tuple(word(part) for part in text.split(";") if part.strip())


def _fen(yuan: str) -> int:
    return int(Decimal(yuan) * 100)


def sizes(text: str) -> tuple[Size, ...]:
    result = []
    for part in text.split(";"):
        label, _, prices = part.strip().rpartition("=")
        low, _, high = prices.partition("-")
        result.append(Size(word(label), _fen(low), _fen(high)))
    return tuple(result)


PACKAGINGS: Final = words(
    "新包装:xbz:New Pack; 家庭装:jtz:Family Pack; 促销装:cxz:Promo Pack; 量贩装:lfz:Value Pack;"
    "经典装:jdz:Classic Pack; 礼盒装:lhz:Gift Box; 加量装:jlz:Bonus Pack;"
    "便携装:bxz:Travel Pack; 分享装:fxz:Sharing Pack; 尝鲜装:cxz:Trial Pack;"
    "组合装:zhz:Combo Pack; 整箱装:zxz:Full Case; 限定款:xdk:Limited Edition;"
    "升级款:sjk:Upgraded; 联名款:lmk:Collab Edition; 纪念款:jnk:Anniversary Edition"
)
EDITIONS: Final = words(
    "精选:jx:Select; 优选:yx:Choice; 臻选:zx:Premium; 特惠:th:Special Offer; 新品:xp:New;"
    "春季版:cjb:Spring Edition; 夏季版:xjb:Summer Edition; 秋季版:qjb:Autumn Edition;"
    "冬季版:djb:Winter Edition; 华东版:hdb:East China Edition; 华南版:hnb:South China Edition;"
    "华北版:hbb:North China Edition"
)


def _variant(edition: Word, packaging: Word) -> Word:
    parts = [w for w in (edition, packaging) if w.zh]
    return Word(
        " ".join(w.zh for w in parts),
        "".join(w.initials for w in parts),
        " ".join(w.en for w in parts),
    )


NAME_VARIANTS: Final = tuple(
    _variant(edition, packaging)
    for edition in (NO_WORD, *EDITIONS)
    for packaging in (NO_WORD, *PACKAGINGS)
)
"""Tell apart products that would otherwise share a name, once a category's plain
brand × product × flavour × size names are used up: the k-th round of a category's names
takes variant k (the first, NO_WORD, is the plain name), up to 221 rounds; beyond that,
names repeat (codes and barcodes never do)."""

LOOSE: Final = word("散装:sz:loose")

BRANDS: Final = {
    w.zh: w
    for w in words(
        """
        农夫山泉:nfsq:Nongfu Spring; 怡宝:yb:C'estbon; 娃哈哈:whh:Wahaha; 景田:jt:Jingtian;
        百岁山:bss:Ganten; 恒大冰泉:hdbq:Evergrande Spring; 昆仑山:kls:Kunlun Mountain;
        依能:yn:Yineng; 屈臣氏:qcs:Watsons; 可口可乐:kkkl:Coca-Cola; 百事可乐:bskl:Pepsi;
        雪碧:xb:Sprite; 芬达:fd:Fanta; 美年达:mnd:Mirinda; 元气森林:yqsl:Genki Forest;
        康师傅:ksf:Master Kong; 统一:ty:Uni-President; 东方树叶:dfsy:Oriental Leaf;
        三得利:sdl:Suntory; 美汁源:mzy:Minute Maid; 汇源:hy:Huiyuan; 农夫果园:nfgy:Nongfu Orchard;
        红牛:hn:Red Bull; 东鹏:dp:Eastroc; 魔爪:mz:Monster; 佳得乐:jdl:Gatorade;
        宝矿力水特:bklst:Pocari Sweat:jp; 外星人:wxr:Alienergy; 雀巢:qc:Nestlé;
        星巴克:xbk:Starbucks; 六个核桃:lght:Six Walnuts; 养元:yy:Yangyuan; 椰树:ys:Coconut Palm;
        维他奶:wtn:Vitasoy; 豆本豆:dbd:Doubendou; 伊利:yl:Yili; 蒙牛:mn:Mengniu;
        光明:gm:Bright Dairy; 特仑苏:tls:Deluxe; 金典:jd:Satine; 安佳:aj:Anchor:nz;
        德亚:dy:Weidendorf:de; 每日鲜语:mrxy:Daily Fresh; 三元:sy:Sanyuan; 安慕希:amx:Ambrosial;
        纯甄:cz:Just Yoghurt; 简爱:ja:Simplove; 卡士:ks:Classy Kiss; 北海牧场:bhmc:Beihai Ranch;
        养乐多:yld:Yakult; 味全:wq:Weichuan; 旺仔:wz:Want Want; 妙可蓝多:mkld:Milkground;
        百吉福:bjf:Bel; 总统:zt:Président:fr; 金龙鱼:jly:Arawana; 福临门:flm:Fortune;
        十月稻田:sydt:Shiyue Daotian; 太粮:tl:Tailiang; 柴火大院:chdy:Chaihuo Dayuan;
        香雪:xx:Xiangxue; 五得利:wdl:Wudeli; 鲁花:lh:Luhua; 胡姬花:hjh:Hujihua; 海天:ht:Haday;
        李锦记:ljj:Lee Kum Kee; 千禾:qh:Qianhe; 厨邦:cb:Chubang; 恒顺:hs:Hengshun;
        东湖:dh:Donghu; 紫林:zl:Zilin; 太太乐:ttl:Totole; 家乐:jl:Knorr; 中盐:zy:China Salt;
        雪天:xt:Xuetian; 燕之坊:yzf:Yanzhifang; 乐事:ls:Lay's; 可比克:kbk:Copico;
        品客:pk:Pringles:us; 上好佳:shj:Oishi; 旺旺:ww:Want Want; 奥利奥:ala:Oreo;
        好丽友:hly:Orion; 达能:dn:Danone; 嘉顿:jd:Garden; 三只松鼠:szss:Three Squirrels;
        洽洽:qq:ChaCheer; 百草味:bcw:Be&Cheery; 良品铺子:lppz:Bestore; 大白兔:dbt:White Rabbit;
        阿尔卑斯:aebs:Alpenliebe; 绿箭:lj:Doublemint; 益达:yd:Extra; 德芙:df:Dove;
        费列罗:fll:Ferrero:it; 好时:hs:Hershey's:us; 士力架:slj:Snickers; 科尔沁:keq:Kerchin;
        周黑鸭:zhy:Zhou Hei Ya; 绝味:jw:Juewei; 卫龙:wl:Weilong; 今麦郎:jml:Jinmailang;
        白象:bx:Baixiang; 海底捞:hdl:Haidilao; 莫小仙:mxx:Moxiaoxian; 自嗨锅:zhg:Zihaiguo;
        好欢螺:hhl:Haohuanluo; 李子柒:lzq:Liziqi; 双汇:sh:Shuanghui; 雨润:yr:Yurun;
        金锣:jl:Jinluo; 梅林:ml:Maling; 林家铺子:ljpz:Linjia; 甘竹:gz:Ganzhu;
        佳沛:jp:Zespri:nz; 多利农庄:dlnz:Tony's Farm; 圣农:sn:Sunner; 凤祥:fx:Fengxiang;
        国联:gl:Guolian; 圣迪乐村:sdlc:Sundaily; 德青源:dqy:Deqingyuan; 三全:sq:Synear;
        思念:sn:Sinian; 湾仔码头:wzmt:Wanchai Ferry; 和路雪:hlx:Wall's; 钟薛高:zxg:Chicecream;
        五羊:wy:Wuyang; 安井:aj:Anjoy; 正大:zd:CP; 青岛:qd:Tsingtao; 雪花:xh:Snow;
        百威:bw:Budweiser; 哈尔滨:heb:Harbin; 燕京:yj:Yanjing; 福佳:fj:Hoegaarden:fr;
        牛栏山:nls:Niulanshan; 红星:hx:Red Star; 洋河:yh:Yanghe; 泸州老窖:lzlj:Luzhou Laojiao;
        汾酒:fj:Fenjiu; 张裕:zy:Changyu; 长城:cc:Great Wall; 奔富:bf:Penfolds:au;
        古越龙山:gyls:Guyue Longshan; 会稽山:kjs:Kuaijishan; 塔牌:tp:Pagoda; 中华:zh:Chunghwa;
        玉溪:yx:Yuxi; 芙蓉王:frw:Furongwang; 黄鹤楼:hhl:Huanghelou; 利群:lq:Liqun;
        蓝月亮:lyl:Blue Moon; 立白:lb:Liby; 奥妙:am:OMO; 超能:cn:Chaoneng; 白猫:bm:White Cat;
        雕牌:dp:Diaopai; 威猛先生:wmxs:Mr Muscle; 维达:wd:Vinda; 清风:qf:Breeze;
        心相印:xxy:Hearttex; 洁柔:jr:C&S; 全棉时代:qmsd:Purcotton; 威露士:wls:Walch;
        滴露:dl:Dettol; 妙洁:mj:Miaojie; 海飞丝:hfs:Head & Shoulders; 潘婷:pt:Pantene;
        清扬:qy:Clear; 飘柔:pr:Rejoice; 阿道夫:adf:Adolph; 舒肤佳:sfj:Safeguard; 多芬:df:Dove;
        六神:ls:Liushen; 力士:ls:Lux; 云南白药:ynby:Yunnan Baiyao; 高露洁:glj:Colgate;
        佳洁士:jjs:Crest; 舒适达:ssd:Sensodyne; 黑人:hr:Darlie; 李施德林:lsdl:Listerine:us;
        大宝:db:Dabao; 百雀羚:bql:Pechoin; 自然堂:zrt:Chando; 欧莱雅:oly:L'Oréal:fr;
        妮维雅:nwy:Nivea:de; 苏菲:sf:Sofy; 护舒宝:hsb:Whisper; 七度空间:qdkj:Space7;
        吉列:jl:Gillette; 飞利浦:flp:Philips; 飞鹤:fh:Feihe; 君乐宝:jlb:Junlebao;
        爱他美:atm:Aptamil:de; 美赞臣:mzc:Enfamil:us; 帮宝适:bbs:Pampers; 好奇:hq:Huggies;
        花王:hw:Merries:jp; 嘉宝:jb:Gerber:us; 亨氏:hs:Heinz; 三顿半:sdb:Saturnbird;
        麦斯威尔:mswe:Maxwell House; 桂格:gg:Quaker; 西麦:xm:Seamild; 家乐氏:jls:Kellogg's:us;
        冠生园:gsy:Guanshengyuan; 百花:bh:Baihua; 香飘飘:xpp:Xiangpiaopiao;
        山东:sd:Shandong; 新疆:xj:Xinjiang; 陕西:sx:Shaanxi; 海南:hn:Hainan; 云南:yn:Yunnan;
        赣南:gn:Gannan; 宁夏:nx:Ningxia; 本地:bd:Local; 舟山:zs:Zhoushan; 东北:db:Northeast
        """
    )
}
"""Brands by Chinese name (and, for fresh goods, places of origin)."""


def family(
    product: str, brands: str, size_list: str, flavours: str = "", *, weighed: bool = False
) -> Family:
    return Family(
        product=word(product),
        brands=tuple(NO_WORD if b == "-" else BRANDS[b] for b in brands.split()),
        sizes=sizes(size_list),
        flavours=words(flavours) or (NO_WORD,),
        weighed=weighed,
    )


def loose(product: str, origins: str, price_per_kg: str, flavours: str = "") -> Family:
    """A weighed family, sold loose by the kg (称重商品)."""
    return family(product, origins, f"散装:sz:loose={price_per_kg}", flavours, weighed=True)
