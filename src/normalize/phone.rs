//! Phone numbers. (Stub: being implemented.)
use super::{Normalized, Normalizer, ValueFlags};
use serde::{Deserialize, Serialize};
use std::fmt;

/// An ISO 3166-1 alpha-2 region code, upper-case (`IR`, `US`, `GB`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Region([u8; 2]);

impl Region {
    /// The two-letter code.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("ZZ")
    }
}
impl TryFrom<String> for Region {
    type Error = crate::Error;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}
impl From<Region> for String {
    fn from(r: Region) -> String {
        r.as_str().to_owned()
    }
}
impl std::str::FromStr for Region {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let b = s.trim().as_bytes();
        if b.len() == 2 && b.iter().all(u8::is_ascii_alphabetic) {
            Ok(Region([
                b[0].to_ascii_uppercase(),
                b[1].to_ascii_uppercase(),
            ]))
        } else {
            Err(crate::Error::InvalidRegion(s.to_owned()))
        }
    }
}
impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A phone number in E.164 form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PhoneNumber {
    e164: String,
    country_code: u16,
    extension: Option<String>,
}

impl PhoneNumber {
    /// `+` country code and national number.
    pub fn e164(&self) -> &str {
        &self.e164
    }
    /// The country calling code.
    pub fn country_code(&self) -> u16 {
        self.country_code
    }
    /// The national significant number (E.164 without `+` and country code).
    pub fn national_number(&self) -> &str {
        &self.e164[1 + self.country_code.to_string().len()..]
    }
    /// The extension, if any.
    pub fn extension(&self) -> Option<&str> {
        self.extension.as_deref()
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.e164)?;
        if let Some(ext) = &self.extension {
            write!(f, ";ext={ext}")?;
        }
        Ok(())
    }
}

/// Normalises phone numbers to E.164.
#[derive(Debug, Clone, Default)]
pub struct PhoneNormalizer {
    default_region: Option<Region>,
}

impl PhoneNormalizer {
    /// A normaliser that assumes `region` for numbers without a country code.
    pub fn with_default_region(region: Region) -> Self {
        PhoneNormalizer {
            default_region: Some(region),
        }
    }
    /// Normalise with a region for this value that overrides the default.
    pub fn normalize_in(&self, raw: &str, region: Option<Region>) -> Normalized<PhoneNumber> {
        let _ = (region, self.default_region);
        Normalized::unusable(raw, ValueFlags::INVALID)
    }
}

impl Normalizer for PhoneNormalizer {
    type Output = PhoneNumber;
    fn normalize(&self, raw: &str) -> Normalized<PhoneNumber> {
        self.normalize_in(raw, None)
    }
}
