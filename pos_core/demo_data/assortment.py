"""What the demo chain sells: 13 departments, 59 categories, their families, tax and points.

Tax: VAT13 for most goods; VAT9 for grain, edible oil, salt, plain milk (巴氏杀菌乳/灭菌乳),
fruit and seafood (agricultural products); VAT0 for vegetables, fresh meat and eggs, which
are exempt at retail (蔬菜、鲜活肉蛋流通环节免征增值税). Points: alcohol and tobacco earn
none (and tobacco is not points-eligible at all); skin care and baby goods earn double.
Category weights set each category's share of the packaged catalog; weighed goods (in 生鲜)
are drawn separately, at a fixed share of the catalog.
"""

from __future__ import annotations

from typing import Final

from pos_core.demo_data.words import Category, Department, family, loose

_FLAVOURS_CHIPS: Final = (
    "原味:yw:Original; 黄瓜味:hgw:Cucumber; 番茄味:fqw:Tomato; 烧烤味:skw:Barbecue; 青柠味:qnw:Lime"
)
_FLAVOURS_SWEET: Final = "原味:yw:Original; 草莓味:cmw:Strawberry; 巧克力味:qklw:Chocolate"
_ORIGINS_VEG: Final = "本地 山东 云南"

DEPARTMENTS: Final = (
    Department("01", "饮料", "Beverages", "VAT13", "1", (
        Category("0101", "饮用水", "Drinking Water", 4, (
            family("饮用天然水:yytrs:Natural Water", "农夫山泉",
                   "380ml=1-2; 550ml=1.5-3; 1.5L=3-5; 4L=6-10; 550ml×24=29-45"),
            family("纯净水:cjs:Purified Water", "怡宝 娃哈哈 景田",
                   "555ml=1.5-2.5; 1.555L=3-5; 4.5L=6-10; 555ml×24=25-40"),
            family("天然矿泉水:trkqs:Natural Mineral Water", "百岁山 恒大冰泉 昆仑山",
                   "348ml=2-3; 570ml=2.5-4.5; 1.5L=5-9"),
            family("苏打水:sds:Soda Water", "依能 屈臣氏", "500ml=3-5; 350ml×6=15-25",
                   "原味:yw:Original; 柠檬味:nmw:Lemon; 白桃味:btw:White Peach"),
        )),
        Category("0102", "碳酸饮料", "Soft Drinks", 4, (
            family("汽水:qs:Soda", "可口可乐 百事可乐 雪碧 芬达 美年达",
                   "330ml=2.5-3.5; 500ml=3-4; 2L=6-9; 330ml×24=45-65",
                   "原味:yw:Original; 无糖:wt:Zero Sugar"),
            family("气泡水:qps:Sparkling Water", "元气森林", "480ml=4-6; 480ml×15=55-75",
                   "白桃味:btw:White Peach; 卡曼橘味:kmjw:Calamansi; 青瓜味:qgw:Cucumber"),
        )),
        Category("0103", "茶饮料", "Tea Drinks", 4, (
            family("冰红茶:bhc:Iced Black Tea", "康师傅 统一",
                   "500ml=3-4; 1L=4.5-6; 500ml×15=38-50"),
            family("绿茶:lc:Green Tea", "康师傅 统一", "500ml=3-4; 1L=4.5-6; 500ml×15=38-50"),
            family("无糖茶:wtc:Unsweetened Tea", "东方树叶 三得利", "500ml=4.5-6; 900ml=7-9",
                   "乌龙:wl:Oolong; 茉莉花茶:mlhc:Jasmine; 红茶:hc:Black Tea"),
        )),
        Category("0104", "果汁", "Juice", 3, (
            family("果汁饮料:gzyl:Juice Drink", "美汁源 汇源 农夫果园", "420ml=3.5-5; 1.25L=7-10",
                   "橙味:cw:Orange; 苹果味:pgw:Apple; 葡萄味:ptw:Grape"),
            family("100%果汁:gz:100% Juice", "汇源 农夫山泉", "1L=12-20; 300ml=6-9",
                   "橙汁:cz:Orange; 苹果汁:pgz:Apple"),
        )),
        Category("0105", "功能饮料", "Energy & Sports Drinks", 3, (
            family("能量饮料:nlyl:Energy Drink", "红牛 东鹏 魔爪",
                   "250ml=5-7; 500ml=6-8; 250ml×24=110-150"),
            family("运动饮料:ydyl:Sports Drink", "佳得乐 宝矿力水特 外星人", "600ml=5-7; 1.5L=9-13",
                   "原味:yw:Original; 柠檬味:nmw:Lemon"),
        )),
        Category("0106", "咖啡饮料", "Coffee Drinks", 2, (
            family("即饮咖啡:jykf:Ready-to-drink Coffee", "雀巢 星巴克", "268ml=5-7; 280ml=9-12",
                   "拿铁:nt:Latte; 美式:ms:Americano; 摩卡:mk:Mocha"),
        )),
        Category("0107", "植物蛋白饮料", "Plant Protein Drinks", 2, (
            family("核桃乳:htr:Walnut Milk", "六个核桃 养元", "240ml=3-4.5; 240ml×20=55-75"),
            family("椰汁:yz:Coconut Milk", "椰树", "245ml=3.5-5; 1L=12-16"),
            family("豆奶:dn:Soy Milk", "维他奶 豆本豆", "250ml=3-4.5; 250ml×24=55-80"),
        )),
    )),
    Department("02", "乳制品", "Dairy", "VAT13", "1", (
        Category("0201", "纯牛奶", "Milk", 3, (
            family("纯牛奶:cnn:Whole Milk", "伊利 蒙牛 光明 特仑苏 金典 安佳 德亚",
                   "250ml=3-5; 250ml×12=45-65; 250ml×24=60-90; 1L=12-20"),
            family("低脂牛奶:dznn:Low-fat Milk", "伊利 蒙牛 光明", "250ml×12=45-70; 950ml=12-18"),
            family("鲜牛奶:xnn:Fresh Milk", "光明 每日鲜语 三元", "950ml=13-22; 450ml=7-10"),
        ), tax_code="VAT9"),
        Category("0202", "酸奶", "Yoghurt", 3, (
            family("风味酸奶:fwsn:Flavoured Yoghurt", "安慕希 纯甄 伊利 蒙牛",
                   "205g=4.5-6.5; 200g×10=45-65; 230g×10=55-75",
                   "原味:yw:Original; 草莓味:cmw:Strawberry; 黄桃燕麦:htym:Peach & Oat"),
            family("低温酸奶:dwsn:Chilled Yoghurt", "简爱 卡士 北海牧场", "100g×3=9-14; 135g=6-9"),
        )),
        Category("0203", "乳饮料", "Milk Drinks", 2, (
            family("乳酸菌饮品:rsjyp:Lactic Acid Drink", "养乐多 味全 伊利",
                   "100ml×5=9-12; 435ml=8-12"),
            family("调制乳:tzr:Flavoured Milk", "旺仔 蒙牛", "245ml=4-6; 125ml×20=45-60",
                   "原味:yw:Original; 巧克力味:qklw:Chocolate; 香蕉味:xjw:Banana"),
        )),
        Category("0204", "奶粉", "Milk Powder", 1, (
            family("成人奶粉:crnf:Adult Milk Powder", "伊利 蒙牛 雀巢 安佳",
                   "400g=35-60; 800g=75-130; 1kg=90-160"),
        )),
        Category("0205", "奶酪黄油", "Cheese & Butter", 1, (
            family("儿童奶酪棒:etnlb:Kids' Cheese Sticks", "妙可蓝多 百吉福",
                   "500g=45-70; 100g=15-25"),
            family("奶酪片:nlp:Cheese Slices", "安佳 百吉福", "166g=18-30; 250g=25-40"),
            family("黄油:hy:Butter", "安佳 总统", "227g=30-50; 454g=55-85"),
        )),
    )),
    Department("03", "粮油调味", "Grain, Oil & Seasoning", "VAT9", "1", (
        Category("0301", "大米", "Rice", 2, (
            family("东北大米:dbdm:Northeast Rice", "金龙鱼 福临门 十月稻田",
                   "2.5kg=20-40; 5kg=35-80; 10kg=70-130"),
            family("泰国香米:tgxm:Thai Fragrant Rice", "金龙鱼 太粮", "5kg=50-120; 10kg=95-200"),
            family("五常大米:wcdm:Wuchang Rice", "十月稻田 柴火大院", "5kg=60-120"),
        )),
        Category("0302", "面粉", "Flour", 1, (
            family("小麦粉:xmf:Wheat Flour", "金龙鱼 香雪 五得利",
                   "1kg=6-12; 2.5kg=15-28; 5kg=28-50",
                   "中筋:zj:All-purpose; 高筋:gj:Bread; 低筋:dj:Cake"),
        )),
        Category("0303", "食用油", "Edible Oil", 2, (
            family("调和油:thy:Blended Oil", "金龙鱼 福临门 鲁花", "1.8L=22-35; 5L=55-90"),
            family("花生油:hsy:Peanut Oil", "鲁花 胡姬花 金龙鱼", "900ml=25-40; 5L=120-200"),
            family("菜籽油:czy:Rapeseed Oil", "金龙鱼 福临门", "5L=70-110"),
        )),
        Category("0304", "调味品", "Condiments", 3, (
            family("酱油:jy:Soy Sauce", "海天 李锦记 千禾 厨邦",
                   "500ml=6-12; 1.28L=12-22; 1.9L=18-30", "生抽:sc:Light; 老抽:lc:Dark"),
            family("香醋:xc:Black Rice Vinegar", "恒顺 海天", "500ml=5-12"),
            family("陈醋:cc:Mature Vinegar", "东湖 紫林", "500ml=6-14; 2.5L=25-40"),
            family("蚝油:hy:Oyster Sauce", "李锦记 海天", "520g=8-14"),
            family("鸡精:jj:Chicken Bouillon", "太太乐 家乐", "200g=8-14; 454g=16-26"),
        ), tax_code="VAT13"),
        Category("0305", "食盐", "Salt", 1, (
            family("食用盐:syy:Table Salt", "中盐 雪天", "400g=2-4; 350g=3-6",
                   "加碘:jd:Iodised; 无碘:wd:Non-iodised"),
        )),
        Category("0306", "杂粮", "Grains & Beans", 1, (
            family("小米:xm:Millet", "燕之坊 十月稻田", "1kg=12-22"),
            family("红豆:hd:Red Beans", "燕之坊 十月稻田", "500g=8-14"),
        )),
    )),
    Department("04", "休闲零食", "Snacks", "VAT13", "1", (
        Category("0401", "薯片膨化", "Chips & Puffs", 4, (
            family("薯片:sp:Potato Chips", "乐事 可比克 品客",
                   "40g=3.5-5; 70g=6-8.5; 135g=9.9-13.9",
                   _FLAVOURS_CHIPS),
            family("虾条:xt:Prawn Crackers", "上好佳 旺旺", "40g=3-4.5; 80g=5-7"),
            family("雪饼:xb:Rice Crackers", "旺旺", "84g=5-8; 520g=22-35"),
        )),
        Category("0402", "饼干", "Biscuits", 4, (
            family("夹心饼干:jxbg:Sandwich Cookies", "奥利奥 好丽友", "97g=5-7; 388g=15-22",
                   _FLAVOURS_SWEET),
            family("苏打饼干:sdbg:Soda Crackers", "康师傅 达能", "100g=4-6; 400g=12-18"),
            family("威化饼干:whbg:Wafers", "嘉顿 康师傅", "50g=3-5; 200g=9-14", _FLAVOURS_SWEET),
        )),
        Category("0403", "坚果炒货", "Nuts & Seeds", 3, (
            family("每日坚果:mrjg:Daily Nuts", "三只松鼠 洽洽 百草味 良品铺子",
                   "25g=3.5-5; 25g×30=90-150; 750g=80-130"),
            family("瓜子:gz:Sunflower Seeds", "洽洽", "108g=5-8; 308g=12-18",
                   "原味:yw:Original; 焦糖:jt:Caramel; 山核桃味:shtw:Pecan"),
            family("开心果:kxg:Pistachios", "三只松鼠 良品铺子", "100g=15-25; 500g=55-85"),
        )),
        Category("0404", "糖果", "Candy", 2, (
            family("奶糖:nt:Milk Candy", "大白兔 阿尔卑斯", "114g=7-12; 227g=12-20"),
            family("口香糖:kxt:Chewing Gum", "绿箭 益达", "40g=8-12; 56g=10-14",
                   "薄荷:bh:Mint; 西瓜:xg:Watermelon"),
        )),
        Category("0405", "巧克力", "Chocolate", 2, (
            family("巧克力:qkl:Chocolate", "德芙 费列罗 好时 士力架", "43g=6-9; 252g=35-55",
                   "牛奶:nn:Milk; 黑巧克力:hqkl:Dark; 榛仁:zr:Hazelnut"),
        )),
        Category("0406", "肉干肉脯", "Jerky & Meat Snacks", 2, (
            family("牛肉干:nrg:Beef Jerky", "科尔沁 良品铺子", "100g=22-35; 200g=40-65",
                   "五香:wx:Five-spice; 麻辣:ml:Spicy"),
            family("卤味鸭脖:lwyb:Braised Duck Neck", "周黑鸭 绝味", "200g=20-35",
                   "麻辣:ml:Spicy; 甜辣:tl:Sweet Chili"),
            family("辣条:lt:Spicy Gluten Strips", "卫龙", "106g=4-7; 260g=9-14"),
        )),
    )),
    Department("05", "方便速食", "Instant Food", "VAT13", "1", (
        Category("0501", "方便面", "Instant Noodles", 3, (
            family("方便面:fbm:Instant Noodles", "康师傅 统一 今麦郎 白象",
                   "105g=3-5.5; 100g×5=11-17; 120g×12=30-48",
                   "红烧牛肉:hsnr:Braised Beef; 老坛酸菜:ltsc:Pickled Cabbage;"
                   "香辣牛肉:xlnr:Spicy Beef"),
        )),
        Category("0502", "自热速食", "Self-heating Meals", 1, (
            family("自热火锅:zrhg:Self-heating Hotpot", "海底捞 莫小仙 自嗨锅", "435g=25-40",
                   "麻辣牛肚:mlnd:Spicy Tripe; 番茄牛腩:fqnn:Tomato Beef"),
            family("螺蛳粉:lsf:Luosifen", "好欢螺 李子柒", "400g=12-18; 400g×3=36-50"),
        )),
        Category("0503", "火腿肠", "Ham Sausage", 2, (
            family("火腿肠:htc:Ham Sausage", "双汇 雨润 金锣", "30g×10=8-12; 40g×10=10-15"),
        )),
        Category("0504", "罐头", "Canned Food", 1, (
            family("午餐肉:wcr:Luncheon Meat", "梅林 双汇", "340g=15-25"),
            family("黄桃罐头:htgt:Canned Yellow Peach", "林家铺子", "425g=8-14"),
            family("豆豉鲮鱼:dcly:Fried Dace with Black Beans", "甘竹", "227g=12-20"),
        )),
    )),
    Department("06", "生鲜", "Fresh", "VAT9", "1", (
        Category("0601", "水果", "Fruit", 2, (
            family("奇异果:qyg:Kiwifruit", "佳沛", "6个装:gz:6 pack=30-60",
                   "金果:jg:SunGold; 绿果:lg:Green"),
            family("车厘子:clz:Cherries", "-", "500g=40-90"),
            family("蓝莓:lm:Blueberries", "-", "125g=15-30; 250g=28-50"),
            family("草莓:cm:Strawberries", "-", "500g=25-60"),
            family("牛油果:nyg:Avocados", "-", "4个装:gz:4 pack=20-40"),
            loose("苹果:pg:Apple", "山东 新疆 陕西", "8-20",
                  "红富士:hfs:Fuji; 蛇果:sg:Red Delicious"),
            loose("香蕉:xj:Banana", "海南 云南", "5-12"),
            loose("橙子:cz:Orange", "赣南", "8-16"),
            loose("葡萄:pt:Grape", "新疆 云南", "15-45",
                  "阳光玫瑰:ygmg:Shine Muscat; 巨峰:jf:Kyoho"),
            loose("西瓜:xg:Watermelon", "海南 宁夏", "3-8"),
        )),
        Category("0602", "蔬菜", "Vegetables", 1, (
            family("生菜:sc:Lettuce", "多利农庄", "300g=8-15"),
            family("西兰花:xlh:Broccoli", "多利农庄 -", "500g=8-15"),
            family("小番茄:xfq:Cherry Tomatoes", "多利农庄 -", "250g=8-15; 500g=15-25"),
            family("蘑菇:mg:Mushrooms", "-", "200g=5-10; 500g=12-20"),
            loose("西红柿:xhs:Tomato", _ORIGINS_VEG, "5-12"),
            loose("土豆:td:Potato", _ORIGINS_VEG, "3-7"),
            loose("黄瓜:hg:Cucumber", _ORIGINS_VEG, "4-9"),
            loose("大白菜:dbc:Chinese Cabbage", _ORIGINS_VEG, "2-5"),
            loose("胡萝卜:hlb:Carrot", _ORIGINS_VEG, "3-7"),
            loose("青椒:qj:Green Pepper", _ORIGINS_VEG, "6-12"),
        ), tax_code="VAT0"),
        Category("0603", "肉禽", "Meat & Poultry", 1, (
            family("冷鲜鸡翅中:lxjcz:Chilled Chicken Mid-wings", "圣农 凤祥", "500g=25-40"),
            family("冷鲜猪肉馅:lxzrx:Chilled Minced Pork", "双汇 雨润", "400g=18-30"),
            loose("五花肉:whr:Pork Belly", "本地 东北", "25-45"),
            loose("猪里脊:zlj:Pork Tenderloin", "本地 东北", "28-48"),
            loose("排骨:pg:Pork Ribs", "本地 东北", "40-70"),
            loose("鸡胸肉:jxr:Chicken Breast", "本地", "18-30"),
            loose("牛腩:nn:Beef Brisket", "本地 东北", "70-120"),
        ), tax_code="VAT0"),
        Category("0604", "水产", "Seafood", 1, (
            family("冻虾仁:dxr:Frozen Shrimp", "国联", "250g=25-45; 500g=45-80"),
            family("冻带鱼段:ddyd:Frozen Hairtail Pieces", "国联", "500g=30-55"),
            family("冻鱿鱼:dyy:Frozen Squid", "国联", "400g=25-40"),
            loose("鲈鱼:ly:Sea Bass", "本地 舟山", "40-70"),
            loose("基围虾:jwx:Greasyback Shrimp", "本地 舟山", "60-120"),
            loose("带鱼:dy:Hairtail", "舟山", "30-60"),
        )),
        Category("0605", "蛋品", "Eggs", 1, (
            family("鲜鸡蛋:xjd:Fresh Eggs", "圣迪乐村 德青源",
                   "10枚装:mz:10 eggs=12-20; 30枚装:mz:30 eggs=30-50"),
            loose("鸡蛋:jd:Eggs", "-", "9-14"),
            loose("土鸡蛋:tjd:Free-range Eggs", "-", "16-26"),
        ), tax_code="VAT0"),
    )),
    Department("07", "冷冻食品", "Frozen Food", "VAT13", "1", (
        Category("0701", "速冻水饺", "Frozen Dumplings", 2, (
            family("水饺:sj:Dumplings", "三全 思念 湾仔码头", "500g=12-20; 1kg=22-35",
                   "猪肉白菜:zrbc:Pork & Cabbage; 三鲜:sx:Three Delicacies;"
                   "玉米猪肉:ymzr:Corn & Pork"),
        )),
        Category("0702", "汤圆", "Tangyuan", 1, (
            family("汤圆:ty:Tangyuan", "三全 思念", "400g=9-15; 1kg=20-30",
                   "黑芝麻:hzm:Black Sesame; 花生:hs:Peanut"),
        )),
        Category("0703", "冰淇淋", "Ice Cream", 2, (
            family("冰淇淋:bql:Ice Cream", "伊利 蒙牛 和路雪 钟薛高", "75g=3-8; 65g×6=18-35",
                   "香草:xc:Vanilla; 巧克力:qkl:Chocolate; 抹茶:mc:Matcha"),
            family("雪糕:xg:Ice Lolly", "伊利 五羊", "70g=2-5"),
        )),
        Category("0704", "速冻面点", "Frozen Buns & Pancakes", 1, (
            family("包子:bz:Steamed Buns", "三全 安井", "480g=12-20",
                   "鲜肉:xr:Pork; 豆沙:ds:Red Bean"),
            family("手抓饼:szb:Scallion Pancake", "正大 安井", "900g=15-25"),
        )),
    )),
    Department("08", "酒类", "Alcohol", "VAT13", "0", (
        Category("0801", "啤酒", "Beer", 3, (
            family("啤酒:pj:Beer", "青岛 雪花 百威 哈尔滨 燕京",
                   "330ml=3-6; 500ml=4-8; 500ml×12=45-90", "经典:jd:Classic; 纯生:cs:Draft"),
            family("精酿啤酒:jnpj:Craft Beer", "福佳 青岛", "330ml=10-20"),
        )),
        Category("0802", "白酒", "Baijiu", 2, (
            family("白酒:bj:Baijiu", "牛栏山 红星 洋河 泸州老窖 汾酒",
                   "100ml=8-20; 500ml=25-300", "42度:d:42% ABV; 52度:d:52% ABV"),
        )),
        Category("0803", "葡萄酒", "Wine", 1, (
            family("干红葡萄酒:ghptj:Dry Red Wine", "张裕 长城 奔富", "750ml=40-300"),
            family("干白葡萄酒:gbptj:Dry White Wine", "张裕 长城", "750ml=40-200"),
        )),
        Category("0804", "黄酒", "Rice Wine", 1, (
            family("黄酒:hj:Rice Wine", "古越龙山 会稽山 塔牌", "500ml=15-40",
                   "五年陈:wnc:5-year; 十年陈:snc:10-year"),
        )),
    )),
    Department("09", "香烟", "Tobacco", "VAT13", "0", (
        Category("0901", "卷烟", "Cigarettes", 1, (
            family("香烟:xy:Cigarettes", "中华 玉溪 芙蓉王 黄鹤楼 利群", "20支:z:20 sticks=15-70",
                   "硬盒:yh:Hard Pack; 软盒:rh:Soft Pack; 细支:xz:Slim"),
        )),
    ), points_eligible=False),
    Department("10", "日化清洁", "Household Cleaning", "VAT13", "1", (
        Category("1001", "洗衣用品", "Laundry", 3, (
            family("洗衣液:xyy:Laundry Liquid", "蓝月亮 立白 奥妙 超能", "1kg=15-25; 3kg=35-60",
                   "薰衣草:xyc:Lavender; 深层洁净:scjj:Deep Clean"),
            family("洗衣凝珠:xynz:Laundry Pods", "蓝月亮 奥妙", "30颗:k:30 pods=30-55"),
        )),
        Category("1002", "厨房清洁", "Kitchen Cleaning", 2, (
            family("洗洁精:xjj:Dish Soap", "立白 白猫 雕牌", "1kg=8-14; 1.5kg=12-20",
                   "柠檬:nm:Lemon; 绿茶:lc:Green Tea"),
            family("油污净:ywj:Degreaser", "威猛先生", "500g=15-28"),
        )),
        Category("1003", "纸品", "Tissue & Paper", 3, (
            family("抽纸:cz:Facial Tissue", "维达 清风 心相印 洁柔",
                   "100抽×6包:cb:100 sheets×6=12-25; 120抽×24包:cb:120 sheets×24=40-70"),
            family("卷纸:jz:Toilet Roll", "维达 清风 心相印", "140g×10卷:j:140g×10 rolls=18-35"),
            family("湿巾:sj:Wet Wipes", "心相印 全棉时代", "80片:p:80 wipes=8-15"),
        )),
        Category("1004", "家居清洁", "Home Cleaning", 2, (
            family("消毒液:xdy:Disinfectant", "威露士 滴露", "1L=20-40; 2.5L=40-70"),
            family("洁厕液:jcy:Toilet Cleaner", "蓝月亮 威猛先生", "500g=8-15"),
            family("垃圾袋:ljd:Bin Bags", "妙洁", "100只:z:100 bags=10-18"),
        )),
    )),
    Department("11", "个人护理", "Personal Care", "VAT13", "1", (
        Category("1101", "洗发护发", "Hair Care", 3, (
            family("洗发水:xfs:Shampoo", "海飞丝 潘婷 清扬 飘柔 阿道夫", "400ml=35-60; 750ml=55-90",
                   "去屑:qx:Anti-dandruff; 柔顺:rs:Smooth"),
            family("护发素:hfs:Conditioner", "潘婷 飘柔", "400ml=30-55"),
        )),
        Category("1102", "沐浴清洁", "Body Wash & Soap", 2, (
            family("沐浴露:myl:Body Wash", "舒肤佳 多芬 六神 力士", "400ml=25-45; 720ml=40-65"),
            family("香皂:xz:Soap", "舒肤佳 力士", "100g=4-7; 115g×3=12-20"),
        )),
        Category("1103", "口腔护理", "Oral Care", 3, (
            family("牙膏:yg:Toothpaste", "云南白药 高露洁 佳洁士 舒适达 黑人",
                   "120g=10-35; 180g=15-45", "薄荷:bh:Mint; 美白:mb:Whitening"),
            family("牙刷:ys:Toothbrush", "高露洁 佳洁士",
                   "单支:dz:single=6-15; 4支装:zz:4 pack=20-40"),
            family("漱口水:sks:Mouthwash", "李施德林 高露洁", "250ml=15-30; 500ml=25-50"),
        )),
        Category("1104", "护肤", "Skin Care", 2, (
            family("面霜:ms:Face Cream", "大宝 百雀羚 自然堂 欧莱雅", "50g=20-200"),
            family("洗面奶:xmn:Facial Cleanser", "百雀羚 欧莱雅 妮维雅", "100g=20-90"),
            family("护手霜:hss:Hand Cream", "大宝 百雀羚", "50g=8-30"),
        ), points_multiplier="2"),
        Category("1105", "女性护理", "Feminine Care", 2, (
            family("卫生巾:wsj:Sanitary Pads", "苏菲 护舒宝 七度空间", "10片:p:10 pads=10-25",
                   "日用:ry:Day; 夜用:yy:Night"),
        )),
        Category("1106", "剃须", "Shaving", 1, (
            family("剃须刀:txd:Razor", "吉列 飞利浦", "1刀架2刀头:djdt:1 handle 2 blades=30-200"),
            family("剃须泡沫:txpm:Shaving Foam", "吉列", "210g=25-45"),
        )),
    )),
    Department("12", "母婴", "Mother & Baby", "VAT13", "2", (
        Category("1201", "婴儿奶粉", "Infant Formula", 2, (
            family("婴儿配方奶粉:yepfnf:Infant Formula", "飞鹤 君乐宝 爱他美 美赞臣",
                   "400g=100-230; 800g=200-450", "1段:d:Stage 1; 2段:d:Stage 2; 3段:d:Stage 3"),
        )),
        Category("1202", "纸尿裤", "Diapers", 2, (
            family("纸尿裤:znk:Diapers", "帮宝适 好奇 花王", "60片:p:60 pcs=80-180",
                   "S码:m:Size S; M码:m:Size M; L码:m:Size L; XL码:m:Size XL"),
            family("拉拉裤:llk:Pull-ups", "帮宝适 好奇", "36片:p:36 pcs=70-150",
                   "L码:m:Size L; XL码:m:Size XL"),
        )),
        Category("1203", "婴儿辅食", "Baby Food", 1, (
            family("米粉:mf:Rice Cereal", "嘉宝 亨氏", "225g=35-70"),
            family("果泥:gn:Fruit Puree", "嘉宝 亨氏", "113g=10-20",
                   "苹果:pg:Apple; 香蕉:xj:Banana"),
        )),
    )),
    Department("13", "冲调饮品", "Instant Drinks & Cereal", "VAT13", "1", (
        Category("1301", "速溶咖啡", "Instant Coffee", 2, (
            family("速溶咖啡:srkf:Instant Coffee", "雀巢 三顿半 麦斯威尔",
                   "15g×7=10-25; 15g×30=40-70",
                   "原味:yw:Original; 特浓:tn:Extra Strong"),
        )),
        Category("1302", "麦片", "Oats & Cereal", 2, (
            family("燕麦片:ymp:Rolled Oats", "桂格 西麦 家乐氏", "1kg=18-35; 400g=10-18"),
            family("玉米片:ymp:Corn Flakes", "家乐氏", "275g=25-40"),
        )),
        Category("1303", "蜂蜜", "Honey", 1, (
            family("蜂蜜:fm:Honey", "冠生园 百花", "500g=25-60; 900g=40-90"),
        )),
        Category("1304", "奶茶", "Milk Tea", 1, (
            family("奶茶:nc:Milk Tea", "香飘飘", "80g=4-7; 80g×6=22-35",
                   "原味:yw:Original; 麦香:mx:Malt"),
        )),
    )),
)  # fmt: skip
