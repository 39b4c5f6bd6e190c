//! UNHCR's classifications shared by reference and registry statistics: age brackets and sex.

use serde::Serialize;

/// UNHCR's age brackets for demographic statistics (0–4, 5–11, 12–17, 18–59, 60+), plus "age unknown"
/// (UNHCR's `f_other`/`m_other`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum AgeBracket {
    /// 0 to 4 years inclusive.
    #[serde(rename = "0-4")]
    A0to4,
    /// 5 to 11 years.
    #[serde(rename = "5-11")]
    A5to11,
    /// 12 to 17 years.
    #[serde(rename = "12-17")]
    A12to17,
    /// 18 to 59 years.
    #[serde(rename = "18-59")]
    A18to59,
    /// 60 years and over.
    #[serde(rename = "60+")]
    A60plus,
    /// Age not known.
    #[serde(rename = "unknown")]
    Unknown,
}

impl AgeBracket {
    /// Every bracket, youngest first, "unknown" last.
    pub const ALL: [Self; 6] = [Self::A0to4, Self::A5to11, Self::A12to17, Self::A18to59, Self::A60plus, Self::Unknown];

    /// The bracket of an age in whole years.
    pub fn of_age(age: u32) -> Self {
        match age {
            0..=4 => Self::A0to4,
            5..=11 => Self::A5to11,
            12..=17 => Self::A12to17,
            18..=59 => Self::A18to59,
            _ => Self::A60plus,
        }
    }

    /// Position in [`AgeBracket::ALL`].
    pub fn index(&self) -> usize {
        *self as usize
    }

    /// Label as printed (`0-4`, …, `60+`, `unknown`).
    pub fn label(&self) -> &'static str {
        match self {
            Self::A0to4 => "0-4",
            Self::A5to11 => "5-11",
            Self::A12to17 => "12-17",
            Self::A18to59 => "18-59",
            Self::A60plus => "60+",
            Self::Unknown => "unknown",
        }
    }

    /// The HXL attributes for this bracket (`+age0_4`, …, `+age60`, `+age_unknown`).
    pub fn hxl(&self) -> &'static str {
        match self {
            Self::A0to4 => "+age0_4",
            Self::A5to11 => "+age5_11",
            Self::A12to17 => "+age12_17",
            Self::A18to59 => "+age18_59",
            Self::A60plus => "+age60",
            Self::Unknown => "+age_unknown",
        }
    }
}

/// Sex in statistics: UNHCR publishes female and male; Nansen's registry also records other and unknown,
/// which are counted in their own column so that totals stay exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum StatSex {
    /// Female.
    #[serde(rename = "F")]
    Female,
    /// Male.
    #[serde(rename = "M")]
    Male,
    /// Another sex or gender identity as stated by the person.
    #[serde(rename = "X")]
    Other,
    /// Not known or not stated.
    #[serde(rename = "U")]
    Unknown,
}

impl StatSex {
    /// Every value, in output order.
    pub const ALL: [Self; 4] = [Self::Female, Self::Male, Self::Other, Self::Unknown];

    /// The one-letter code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Female => "F",
            Self::Male => "M",
            Self::Other => "X",
            Self::Unknown => "U",
        }
    }

    /// HXL attribute (`+f`, `+m`, `+x`, `+sex_unknown`).
    pub fn hxl(&self) -> &'static str {
        match self {
            Self::Female => "+f",
            Self::Male => "+m",
            Self::Other => "+x",
            Self::Unknown => "+sex_unknown",
        }
    }

    /// Position in [`StatSex::ALL`].
    pub fn index(&self) -> usize {
        *self as usize
    }
}

impl From<nansen_domain::Sex> for StatSex {
    fn from(s: nansen_domain::Sex) -> Self {
        match s {
            nansen_domain::Sex::Female => Self::Female,
            nansen_domain::Sex::Male => Self::Male,
            nansen_domain::Sex::Other => Self::Other,
            nansen_domain::Sex::Unknown => Self::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_follow_unhcr_boundaries() {
        let cases = [(0, "0-4"), (4, "0-4"), (5, "5-11"), (11, "5-11"), (12, "12-17"), (17, "12-17"), (18, "18-59"), (59, "18-59"), (60, "60+"), (104, "60+")];
        for (age, label) in cases {
            assert_eq!(AgeBracket::of_age(age).label(), label, "age {age}");
        }
        for (i, b) in AgeBracket::ALL.iter().enumerate() {
            assert_eq!(b.index(), i);
        }
    }
}
