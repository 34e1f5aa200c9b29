"""The bundled sample programme: Qingyang District (青羊区, 510105), Chengdu.

Subdistricts with their statistics codes (2023) and approximate centres (unverified,
for illustration), the five key subdistricts, the eight renovation areas of the
December 2022 reports, the communities the sample uses (illustrative), and the
14th Five-Year Plan targets as reported: 619 compounds (50 / 162 / 186 / 221 in the
2021-2024 batches, no new target in 2025) and 57,800 households.
"""
from __future__ import annotations

from geo import schema
from geo.programme import Area, Place, Programme, Target

CITY = Place("510100", "city", "成都市", "Chengdu")
DISTRICT = Place("510105", "district", "青羊区", "Qingyang District", parent=CITY.code, lon=104.03, lat=30.675)

#: code, name, English name, centre (lon, lat), key subdistrict; the key ones first.
_SUBDISTRICTS = (
    ("510105003", "西御河", "Xiyuhe", 104.064, 30.663, True),
    ("510105002", "草市街", "Caoshijie", 104.072, 30.678, True),
    ("510105005", "少城", "Shaocheng", 104.056, 30.667, True),
    ("510105007", "草堂", "Caotang", 104.036, 30.662, True),
    ("510105008", "府南", "Funan", 104.033, 30.675, True),
    ("510105009", "光华", "Guanghua", 104.010, 30.668, False),
    ("510105011", "金沙", "Jinsha", 104.013, 30.684, False),
    ("510105012", "黄田坝", "Huangtianba", 103.995, 30.693, False),
    ("510105013", "苏坡", "Supo", 104.000, 30.676, False),
    ("510105014", "文家", "Wenjia", 103.965, 30.672, False),
    ("510105018", "蔡桥", "Caiqiao", 103.955, 30.690, False),
    ("510105019", "康河", "Kanghe", 103.975, 30.660, False),
)
SUBDISTRICTS: tuple[Place, ...] = tuple(Place(code, "subdistrict", name, en, DISTRICT.code, key, lon, lat)
                                        for code, name, en, lon, lat, key in _SUBDISTRICTS)

#: Communities per subdistrict as the sample uses them (illustrative; codes are local, not official).
COMMUNITIES: dict[str, tuple[str, ...]] = {
    "西御河": ("西御河社区", "东御河社区", "三桥社区", "羊市街社区"),
    "草市街": ("草市街社区", "正府街社区", "玉局社区", "太升路社区", "骡马市社区"),
    "少城": ("长顺街社区", "宽窄巷子社区", "泡桐树社区", "西马棚社区", "东城根街社区"),
    "草堂": ("草堂路社区", "浣花社区", "送仙桥社区", "青华社区"),
    "府南": ("清溪社区", "双清社区", "西大街社区", "培中社区"),
    "光华": ("光华社区", "群和社区", "光华村社区", "日月社区"),
    "金沙": ("金沙社区", "金鹏社区", "蜀汉社区"),
    "黄田坝": ("黄田坝社区", "经一路社区", "蜀西社区"),
    "苏坡": ("清源社区", "苏坡社区", "清江社区"),
    "文家": ("文家社区", "大石社区"),
    "蔡桥": ("蔡桥社区", "光明社区"),
    "康河": ("康河社区", "康庄社区"),
}
_CODES = {s.name: s.code for s in SUBDISTRICTS}
COMMUNITY_PLACES: tuple[Place, ...] = tuple(
    Place(f"{_CODES[sd]}-{i + 1:02d}", "community", name, parent=_CODES[sd])
    for sd, names in COMMUNITIES.items() for i, name in enumerate(names))

#: The eight areas: subdistrict and centre; 红光 and 玉泉 are not located by any source.
AREAS: tuple[Area, ...] = (
    Area("清溪片区", "Qingxi", "府南", 104.033, 30.6745),
    Area("送仙桥片区", "Songxianqiao", "草堂", 104.041, 30.658),
    Area("方池街—包家巷片区", "Fangchijie-Baojiaxiang", "少城", 104.052, 30.668),
    Area("上翔街片区", "Shangxiangjie", "西御河", 104.063, 30.661),
    Area("骡马市片区", "Luomashi", "草市街", 104.067, 30.674),
    Area("太升南路片区", "Taishengnanlu", "草市街", 104.077, 30.670),
    Area("红光片区", "Hongguang", "金沙", 104.0125, 30.6835, located=False),
    Area("玉泉片区", "Yuquan", "光华", 104.006, 30.663, located=False),
)

#: 14th-FYP targets as reported in December 2022.
YEAR_TARGETS: dict[str, int] = {"2021": 50, "2022": 162, "2023": 186, "2024": 221, "2025": 0}
FYP14_TARGET = 619
FYP14_HOUSEHOLDS_TARGET = 57_800
TARGETS: tuple[Target, ...] = (
    Target(DISTRICT.code, "compounds", schema.PERIOD_FYP14, FYP14_TARGET),
    Target(DISTRICT.code, "households", schema.PERIOD_FYP14, FYP14_HOUSEHOLDS_TARGET),
    *(Target(DISTRICT.code, "compounds", schema.PERIOD_FYP14, n, batch) for batch, n in YEAR_TARGETS.items()),
)

QINGYANG = Programme(
    key="qingyang", name="青羊区老旧小区连片改造", en="Qingyang Old-Compound Renovation", place=DISTRICT.code,
    places=(CITY, DISTRICT, *SUBDISTRICTS, *COMMUNITY_PLACES), areas=AREAS, targets=TARGETS,
)
