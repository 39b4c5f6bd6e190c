//! Real towns of origin and of first asylum, and a fictional set of addresses in the (fictional)
//! country of asylum where the demo operation registers people.

pub(crate) const SYR_TOWNS: &[&str] = &[
    "Aleppo",
    "Homs",
    "Hama",
    "Idlib",
    "Damascus",
    "Daraa",
    "Deir ez-Zor",
    "Raqqa",
    "Latakia",
    "Douma",
    "Maarat al-Numan",
    "Jisr al-Shughur",
    "Al-Bab",
    "Manbij",
    "Azaz",
    "Tal Rifaat",
    "Saraqib",
    "Khan Shaykhun",
    "Al-Qusayr",
    "Al-Rastan",
    "Talbiseh",
    "Nawa",
    "Busra al-Sham",
    "Palmyra",
    "Al-Mayadin",
    "Abu Kamal",
    "Zabadani",
    "Yabroud",
    "Darayya",
    "Harasta",
];

/// Towns of the mainly Kurdish north-east and north-west of Syria.
pub(crate) const SYR_KURDISH_TOWNS: &[&str] =
    &["Qamishli", "Al-Hasakah", "Amuda", "Afrin", "Kobani", "Al-Malikiyah", "Ras al-Ayn", "Derbasiyah"];

/// Towns and districts of the mainly Pashto-speaking south and east.
pub(crate) const AFG_PASHTO_TOWNS: &[&str] = &[
    "Kandahar",
    "Jalalabad",
    "Khost",
    "Lashkar Gah",
    "Gardez",
    "Ghazni",
    "Maidan Shahr",
    "Asadabad",
    "Mehtar Lam",
    "Puli Alam",
    "Tarin Kot",
    "Spin Boldak",
    "Kabul",
];

/// Towns and districts of the mainly Dari-speaking north, west and centre.
pub(crate) const AFG_DARI_TOWNS: &[&str] = &[
    "Kabul",
    "Herat",
    "Mazar-i-Sharif",
    "Kunduz",
    "Bamyan",
    "Pul-e Khumri",
    "Charikar",
    "Faizabad",
    "Taloqan",
    "Sheberghan",
    "Nili",
    "Chaghcharan",
    "Jaghori",
    "Behsud",
];

pub(crate) const SSD_DINKA_TOWNS: &[&str] =
    &["Bor", "Rumbek", "Aweil", "Kuajok", "Gogrial", "Tonj", "Yirol", "Juba", "Wau", "Twic", "Abyei"];
pub(crate) const SSD_NUER_TOWNS: &[&str] = &["Bentiu", "Nasir", "Akobo", "Leer", "Ulang", "Fangak", "Mayom", "Malakal", "Ayod", "Rubkona"];
pub(crate) const SSD_BARI_TOWNS: &[&str] = &["Juba", "Yei", "Kajo Keji", "Terekeka", "Lainya", "Morobo"];

pub(crate) const MMR_ROHINGYA_TOWNS: &[&str] =
    &["Maungdaw", "Buthidaung", "Rathedaung", "Sittwe", "Kyauktaw", "Minbya", "Mrauk-U", "Pauktaw"];
pub(crate) const MMR_BURMESE_TOWNS: &[&str] =
    &["Yangon", "Mandalay", "Sagaing", "Monywa", "Magway", "Hakha", "Myitkyina", "Bago", "Pakokku"];

pub(crate) const PRK_TOWNS: &[&str] = &[
    "Chongjin",
    "Hyesan",
    "Musan",
    "Hoeryong",
    "Onsong",
    "Kyongsong",
    "Hamhung",
    "Kimchaek",
    "Sinuiju",
    "Wonsan",
    "Kanggye",
    "Pyongyang",
    "Nampo",
    "Haeju",
    "Sariwon",
    "Tanchon",
];

pub(crate) const ERI_TOWNS: &[&str] = &[
    "Asmara",
    "Keren",
    "Mendefera",
    "Dekemhare",
    "Adi Keyh",
    "Adi Quala",
    "Barentu",
    "Massawa",
    "Senafe",
    "Tesseney",
    "Agordat",
    "Ghinda",
    "Segheneyti",
    "Areza",
    "Adi Tekelezan",
];

pub(crate) const VEN_TOWNS: &[&str] = &[
    "Caracas",
    "Maracaibo",
    "Valencia",
    "Barquisimeto",
    "Maracay",
    "Ciudad Guayana",
    "Barcelona",
    "Maturín",
    "San Cristóbal",
    "Cumaná",
    "Mérida",
    "Barinas",
    "Ciudad Bolívar",
    "Puerto La Cruz",
    "Los Teques",
    "Punto Fijo",
    "Guanare",
    "Acarigua",
    "Coro",
    "Valera",
    "San Fernando de Apure",
    "El Tigre",
    "Puerto Ayacucho",
    "Cabimas",
];

/// Countries of first asylum or transit (where children were born on the way), with towns.
pub(crate) type Transit = (&'static str, &'static [&'static str]);

pub(crate) const SYR_TRANSIT: &[Transit] = &[
    ("TUR", &["Gaziantep", "Şanlıurfa", "Hatay", "Istanbul", "Kilis", "Mersin"]),
    ("LBN", &["Beirut", "Tripoli", "Zahle", "Arsal", "Akkar"]),
    ("JOR", &["Mafraq", "Irbid", "Amman", "Zarqa"]),
    ("IRQ", &["Erbil", "Duhok", "Sulaymaniyah"]),
];
pub(crate) const AFG_TRANSIT: &[Transit] =
    &[("IRN", &["Tehran", "Mashhad", "Isfahan", "Qom", "Shiraz"]), ("PAK", &["Peshawar", "Quetta", "Islamabad", "Karachi"])];
pub(crate) const SSD_TRANSIT: &[Transit] = &[
    ("UGA", &["Adjumani", "Arua", "Yumbe", "Kiryandongo"]),
    ("ETH", &["Gambela"]),
    ("KEN", &["Kakuma", "Nairobi"]),
    ("SDN", &["Khartoum", "Kosti"]),
];
pub(crate) const ROHINGYA_TRANSIT: &[Transit] = &[("BGD", &["Cox's Bazar", "Ukhia", "Teknaf"]), ("MYS", &["Kuala Lumpur", "Penang"])];
pub(crate) const BURMESE_TRANSIT: &[Transit] =
    &[("THA", &["Mae Sot", "Chiang Mai", "Bangkok"]), ("MYS", &["Kuala Lumpur"]), ("IND", &["Aizawl", "Champhai"])];
pub(crate) const PRK_TRANSIT: &[Transit] = &[("CHN", &["Yanji", "Tumen", "Longjing", "Helong", "Shenyang", "Dandong"])];
pub(crate) const ERI_TRANSIT: &[Transit] =
    &[("ETH", &["Shire", "Addis Ababa", "Mekelle"]), ("SDN", &["Kassala", "Khartoum"]), ("UGA", &["Kampala"])];
pub(crate) const VEN_TRANSIT: &[Transit] = &[
    ("COL", &["Cúcuta", "Bogotá", "Medellín", "Barranquilla", "Bucaramanga"]),
    ("BRA", &["Boa Vista", "Pacaraima", "Manaus"]),
    ("PER", &["Lima", "Tumbes"]),
];

/// Zones, blocks and streets of the fictional places where the demo operation works.
pub(crate) const CAMP: &str = "Kalindi";
pub(crate) const SETTLEMENT: &str = "Amaro Settlement";
pub(crate) const TRANSIT_CENTRE: &str = "Ridgeview Transit Centre";
pub(crate) const CITY: &str = "Port Lessa";
pub(crate) const CITY_STREETS: &[&str] = &[
    "Harbour Road",
    "Station Road",
    "Market Lane",
    "Baobab Avenue",
    "Hillside Road",
    "Mill Street",
    "Canal Street",
    "Fishermen's Row",
    "Old Customs Road",
    "Acacia Close",
];
pub(crate) const CITY_DISTRICTS: &[&str] = &["Eastgate", "Old Market", "Riverside", "Northfield", "Hilltop", "Salt Flats"];

#[cfg(test)]
mod tests {
    use super::*;
    use nansen_domain::{Iso3, ShortText};

    #[test]
    fn places_are_valid_short_texts_and_countries_exist() {
        let towns = [
            SYR_TOWNS,
            SYR_KURDISH_TOWNS,
            AFG_PASHTO_TOWNS,
            AFG_DARI_TOWNS,
            SSD_DINKA_TOWNS,
            SSD_NUER_TOWNS,
            SSD_BARI_TOWNS,
            MMR_ROHINGYA_TOWNS,
            MMR_BURMESE_TOWNS,
            PRK_TOWNS,
            ERI_TOWNS,
            VEN_TOWNS,
            CITY_STREETS,
            CITY_DISTRICTS,
        ];
        for t in towns.iter().flat_map(|l| l.iter()) {
            assert!(ShortText::parse(t).is_ok(), "{t}");
        }
        for list in [SYR_TRANSIT, AFG_TRANSIT, SSD_TRANSIT, ROHINGYA_TRANSIT, BURMESE_TRANSIT, PRK_TRANSIT, ERI_TRANSIT, VEN_TRANSIT] {
            for (c, towns) in list {
                assert!(Iso3::parse(c).is_ok(), "{c}");
                assert!(towns.iter().all(|t| ShortText::parse(t).is_ok()));
            }
        }
    }
}
