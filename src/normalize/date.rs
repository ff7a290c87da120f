//! Birth dates: many written forms, two calendars, one comparable [`PartialDate`].
//!
//! [`BirthDateNormalizer`] documents the forms it reads and its rules.

use std::fmt;

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::script::ascii_digit;
use super::text::is_invisible;
use super::{bounded, fold, is_placeholder_text, Normalized, Normalizer, RawText, ValueFlags};

/// A date of which year, month and day may each be unknown.
///
/// The valid shapes are year–month–day, year–month, year alone and month–day; their
/// [`Display`](fmt::Display) forms are `1985-04-12`, `1985-04`, `1985` and `--04-12`, and the
/// [`BirthDateNormalizer`] reads each of them back to the same value.
///
/// ```
/// use customer360::normalize::PartialDate;
/// use chrono::NaiveDate;
///
/// let full = PartialDate::new(Some(1985), Some(4), Some(12)).unwrap();
/// assert!(full.is_complete());
/// assert_eq!(full.to_naive_date(), NaiveDate::from_ymd_opt(1985, 4, 12));
/// assert_eq!(full.to_string(), "1985-04-12");
///
/// let year_month = PartialDate::new(Some(1985), Some(4), None).unwrap();
/// assert!(!year_month.is_complete());
/// assert_eq!(year_month.to_naive_date(), None);
/// assert!(year_month.is_compatible_with(&full));
///
/// // Impossible dates and shapes are refused.
/// assert_eq!(PartialDate::new(Some(1985), Some(2), Some(30)), None);
/// assert_eq!(PartialDate::new(Some(1985), None, Some(12)), None);
///
/// // Jalali (Solar Hijri) dates convert exactly.
/// let d = PartialDate::from_jalali(1365, 4, 12).unwrap();
/// assert_eq!(d.to_string(), "1986-07-03");
/// assert_eq!(d.to_jalali(), Some((1365, 4, 12)));
/// ```
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct PartialDate {
    /// Year (Gregorian).
    pub year: Option<i32>,
    /// Month, 1–12.
    pub month: Option<u8>,
    /// Day of month, 1–31.
    pub day: Option<u8>,
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.year, self.month, self.day) {
            (Some(y), Some(m), Some(d)) => write!(f, "{y:04}-{m:02}-{d:02}"),
            (Some(y), Some(m), None) => write!(f, "{y:04}-{m:02}"),
            (Some(y), None, _) => write!(f, "{y:04}"),
            (None, Some(m), Some(d)) => write!(f, "--{m:02}-{d:02}"),
            _ => f.write_str("-"),
        }
    }
}

impl From<NaiveDate> for PartialDate {
    fn from(date: NaiveDate) -> Self {
        PartialDate {
            year: Some(date.year()),
            month: u8::try_from(date.month()).ok(),
            day: u8::try_from(date.day()).ok(),
        }
    }
}

/// The years [`PartialDate`] accepts.
const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

/// Written years in this range are Jalali (Solar Hijri) years.
const JALALI_YEARS: std::ops::RangeInclusive<i32> = 1200..=1500;

/// Jalali years the conversion supports (the range of the break-year table).
const JALALI_SUPPORTED: std::ops::RangeInclusive<i32> = 1..=3177;

impl PartialDate {
    /// A partial date, if it is one of the valid shapes (year–month–day, year–month, year,
    /// month–day) and every known part is in range: year 1–9999, month 1–12, and a day that
    /// exists in that month (29 February needs a leap year; with no year it is allowed).
    pub fn new(year: Option<i32>, month: Option<u8>, day: Option<u8>) -> Option<PartialDate> {
        let month_ok = |m: u8| (1..=12).contains(&m);
        let valid = match (year, month, day) {
            (Some(y), None, None) => YEARS.contains(&y),
            (Some(y), Some(m), None) => YEARS.contains(&y) && month_ok(m),
            (Some(y), Some(m), Some(d)) => {
                YEARS.contains(&y) && NaiveDate::from_ymd_opt(y, m.into(), d.into()).is_some()
            }
            // 2000 is a leap year: 29 February is a valid month-day.
            (None, Some(m), Some(d)) => NaiveDate::from_ymd_opt(2000, m.into(), d.into()).is_some(),
            _ => false,
        };
        valid.then_some(PartialDate { year, month, day })
    }

    /// Whether year, month and day are all known.
    pub fn is_complete(&self) -> bool {
        self.year.is_some() && self.month.is_some() && self.day.is_some()
    }

    /// The calendar date, when the date is complete and exists.
    pub fn to_naive_date(&self) -> Option<NaiveDate> {
        match (self.year, self.month, self.day) {
            (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y, m.into(), d.into()),
            _ => None,
        }
    }

    /// Whether the two dates could be the same day: every part known in both is equal.
    ///
    /// `1985` is compatible with `1985-04-12` and with `--04-12`; `1985-04` is not compatible
    /// with `1985-05-01`.
    pub fn is_compatible_with(&self, other: &PartialDate) -> bool {
        fn agree<T: PartialEq>(a: Option<T>, b: Option<T>) -> bool {
            match (a, b) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
        }
        agree(self.year, other.year) && agree(self.month, other.month) && agree(self.day, other.day)
    }

    /// The Gregorian date of a Jalali (Solar Hijri) date, or `None` when the Jalali date does
    /// not exist (month lengths 31 × 6, 30 × 5, then 29, or 30 in a leap year) or the year is
    /// outside 1–3177.
    pub fn from_jalali(year: i32, month: u8, day: u8) -> Option<PartialDate> {
        jalali_to_gregorian(year, month, day).map(PartialDate::from)
    }

    /// The Jalali (Solar Hijri) year, month and day of a complete date, or `None` when the date
    /// is incomplete, does not exist, or lies outside the supported range (Jalali years
    /// 1–3177, that is Gregorian 622–3798).
    pub fn to_jalali(&self) -> Option<(i32, u8, u8)> {
        gregorian_to_jalali(self.to_naive_date()?)
    }
}

/// Which order day and month come in, for a source whose dates are written `NN/NN/YYYY`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    /// Not known: a date that reads both ways is flagged ambiguous.
    #[default]
    Unknown,
    /// `DD/MM/YYYY`.
    DayFirst,
    /// `MM/DD/YYYY`.
    MonthFirst,
}

/// A normalised birth date, with the other reading when the written form was ambiguous.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NormalizedDate {
    /// The date (day-first reading when ambiguous and the order is unknown).
    pub date: PartialDate,
    /// The other reading of an ambiguous date.
    pub alternative: Option<PartialDate>,
}

impl NormalizedDate {
    /// The readings of the written date: the date, then the alternative if there is one.
    pub fn readings(&self) -> impl Iterator<Item = PartialDate> {
        std::iter::once(self.date).chain(self.alternative)
    }
}

impl From<PartialDate> for NormalizedDate {
    fn from(date: PartialDate) -> Self {
        NormalizedDate {
            date,
            alternative: None,
        }
    }
}

impl fmt::Display for NormalizedDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.date)?;
        if let Some(alt) = &self.alternative {
            write!(f, "|{alt}")?;
        }
        Ok(())
    }
}

/// Parses birth dates in many written forms.
///
/// It reads the forms that source systems actually hold:
///
/// | Written                                   | Read as                                        |
/// |-------------------------------------------|------------------------------------------------|
/// | `1985-04-12`, `1985/04/12`, `1985.04.12`  | year, month, day                               |
/// | `19850412`                                | `YYYYMMDD` (FEBRL), else `DDMMYYYY`/`MMDDYYYY` |
/// | `12/04/1985`, `12-04-1985`                | day and month by [`DateOrder`] (see below)     |
/// | `12.04.1985`                              | always day first (German, Persian convention)  |
/// | `1985-04-12T10:30:00Z`                    | the date part; the time is ignored             |
/// | `12 April 1985`, `April 12, 1985`, `12-Apr-1985`, `Tue 12th of April 1985` | English month names |
/// | `12/04/85`                                | two-digit year (see below)                     |
/// | `1985`, `1985-04`, `04/1985`, `Apr 1985`, `--04-12`, `12 April` | partial, flagged [`PARTIAL`](ValueFlags::PARTIAL) |
/// | `۱۳۶۵/۰۴/۱۲`, `١٣٦٥/٠٤/١٢`, `۱۲ تیر ۱۳۶۵`   | Persian/Arabic-Indic digits; Jalali years       |
///
/// **Ambiguity.** `NN/NN/YYYY` where both numbers could be the month is read with the
/// configured [`DateOrder`]. With [`DateOrder::Unknown`] the value is the day-first reading, the
/// month-first reading is kept in [`NormalizedDate::alternative`] and the value is flagged
/// [`AMBIGUOUS`](ValueFlags::AMBIGUOUS): it is never guessed silently. When only one reading is a
/// real date (`13/04/1985`, `04/13/1985`) that reading is used without a flag, even when it
/// contradicts the configured order: a source that is "day first" still holds the odd US date,
/// and the one valid reading is better evidence than the configuration. Dotted dates
/// (`12.04.1985`) are read day first whatever the configured order, with the same fallback.
///
/// **Two-digit years.** `12/04/85` is put in the latest century that does not place the date
/// after the injected `today` (with today 2026-01-01: `05` is 2005, `85` is 1985, and
/// `31/12/25` is 2025). With no `today` the 1900s are assumed: it is the only century that can
/// never place a birth date in the future. No flag is raised for the century choice.
///
/// **Jalali (Solar Hijri) dates.** A year from 1200 to 1500 is a Jalali year (Gregorian
/// 1821–2121): no one living was born in Gregorian 1200–1500, and Iranian sources write their
/// own calendar. The date is validated with Jalali month lengths (months 1–6 have 31 days, 7–11
/// have 30, month 12 has 29, or 30 in a leap year) and converted exactly to Gregorian with the
/// standard arithmetic (the 33-year-cycle algorithm with break years used by `jalaali-js`),
/// flagged [`CONVERTED_CALENDAR`](ValueFlags::CONVERTED_CALENDAR). A Jalali year alone becomes
/// the Gregorian year of its Nowruz (Jalali year + 621, which holds its first nine and a half
/// months); a Jalali year and month become the Gregorian year and month of the 15th of that
/// month, which holds most of its days. Both stay [`PARTIAL`](ValueFlags::PARTIAL) and are
/// approximate by nature. Persian month names (`فروردین` … `اسفند`) always mean Jalali, and
/// a year outside 1200–1500 makes the date invalid (a two-digit year is read as 13xx).
///
/// **Flags.**
/// - [`EMPTY`](ValueFlags::EMPTY): blank, or punctuation only (`-`, `--/--/----`).
/// - [`INVALID`](ValueFlags::INVALID), no value: not a date (`31/02/1985`, month 13, day 0,
///   `19850230`, year 0, garbage).
/// - [`PLACEHOLDER`](ValueFlags::PLACEHOLDER), value kept: well-known default dates (see below);
///   all-zero dates (`00/00/0000`, `0000-00-00`) are `INVALID` and `PLACEHOLDER` with no value;
///   placeholder words (`unknown`, `N/A`) are `PLACEHOLDER` with no value.
/// - [`IMPLAUSIBLE`](ValueFlags::IMPLAUSIBLE), value kept: before 1880-01-01, or after the
///   injected `today` (checked on the primary reading only).
/// - [`PARTIAL`](ValueFlags::PARTIAL), [`AMBIGUOUS`](ValueFlags::AMBIGUOUS),
///   [`CONVERTED_CALENDAR`](ValueFlags::CONVERTED_CALENDAR) as above;
///   [`CONTROL_REMOVED`](ValueFlags::CONTROL_REMOVED) when bidi marks or other invisible
///   characters were skipped; [`TRUNCATED`](ValueFlags::TRUNCATED) for over-long input.
///
/// **Placeholder dates.** `0001-01-01`, `1111-11-11`, `1753-01-01` (SQL Server's minimum),
/// `1800-01-01`, `1899-12-30` and `1899-12-31` (spreadsheet and OLE zero dates), `1900-01-01`,
/// `1901-01-01`, `1970-01-01`, `9999-01-01` and `9999-12-31`. `1970-01-01` is a real birthday
/// for about one in 365 people born in 1970, but it is also what a zero Unix timestamp
/// becomes, and defaults are far more common in customer data than births on that one day; a
/// shared default would make strangers agree on a strong piece of evidence, so it is flagged
/// (the value is kept, and a host that knows its source has no such default can ignore the
/// flag). Only dates written in the Gregorian calendar are checked: a Jalali date that converts
/// to one of these is a real date.
///
/// No clock is read: dates after `today` are flagged only when the host injects `today` with
/// [`with_today`](Self::with_today).
///
/// ```
/// use chrono::NaiveDate;
/// use customer360::normalize::{BirthDateNormalizer, DateOrder, Normalizer, ValueFlags};
///
/// let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
/// let dates = BirthDateNormalizer::default().with_today(today);
///
/// // Unambiguous forms.
/// assert_eq!(dates.normalize("12 April 1985").value.unwrap().to_string(), "1985-04-12");
/// assert_eq!(dates.normalize("19850412").value.unwrap().to_string(), "1985-04-12");
///
/// // 03/04/1985 reads both ways: both readings are kept and the value is flagged.
/// let ambiguous = dates.normalize("03/04/1985");
/// assert!(ambiguous.flags.contains(ValueFlags::AMBIGUOUS));
/// assert_eq!(ambiguous.value.unwrap().to_string(), "1985-04-03|1985-03-04");
///
/// // A source known to write month first is not ambiguous.
/// let us = BirthDateNormalizer::with_order(DateOrder::MonthFirst).with_today(today);
/// assert_eq!(us.normalize("03/04/1985").value.unwrap().to_string(), "1985-03-04");
///
/// // A Persian date in the Jalali calendar.
/// let persian = dates.normalize("۱۳۶۵/۰۴/۱۲");
/// assert_eq!(persian.value.unwrap().to_string(), "1986-07-03");
/// assert!(persian.flags.contains(ValueFlags::CONVERTED_CALENDAR));
///
/// // Partial, impossible and placeholder dates.
/// assert!(dates.normalize("1985").flags.contains(ValueFlags::PARTIAL));
/// assert!(dates.normalize("31/02/1985").value.is_none());
/// assert!(dates.normalize("1900-01-01").flags.contains(ValueFlags::PLACEHOLDER));
/// ```
#[derive(Debug, Clone, Default)]
pub struct BirthDateNormalizer {
    order: DateOrder,
    today: Option<NaiveDate>,
}

impl BirthDateNormalizer {
    /// A normaliser for sources that write day and month in `order`.
    pub fn with_order(order: DateOrder) -> Self {
        BirthDateNormalizer { order, today: None }
    }

    /// Dates after `today` are flagged implausible, and two-digit years are put in the latest
    /// century not after it. No clock is read: the host injects it.
    #[must_use]
    pub fn with_today(mut self, today: NaiveDate) -> Self {
        self.today = Some(today);
        self
    }

    /// The configured day/month order.
    pub fn order(&self) -> DateOrder {
        self.order
    }

    /// The injected `today`, if any.
    pub fn today(&self) -> Option<NaiveDate> {
        self.today
    }

    /// [`normalize`](Normalizer::normalize) a text that is either borrowed (and copied into
    /// [`Normalized::original`]) or owned (and moved there).
    pub(crate) fn normalize_text(&self, raw: impl RawText) -> Normalized<NormalizedDate> {
        let (text, truncated) = bounded(raw.as_ref());
        let mut flags = if truncated {
            ValueFlags::TRUNCATED
        } else {
            ValueFlags::empty()
        };
        if text.chars().all(|c| c.is_whitespace() || is_invisible(c)) {
            return Normalized::unusable(raw, flags | ValueFlags::EMPTY);
        }
        match Scan::new(strip_time(text)) {
            Some(scan) => {
                if scan.control_removed {
                    flags |= ValueFlags::CONTROL_REMOVED;
                }
                if scan.all_zero {
                    return Normalized::unusable(
                        raw,
                        flags | ValueFlags::INVALID | ValueFlags::PLACEHOLDER,
                    );
                }
                match self.resolve(&scan) {
                    Some((date, more)) => Normalized::new(raw, date, flags | more),
                    None => Normalized::unusable(raw, flags | ValueFlags::INVALID),
                }
            }
            None => {
                // Not a date: say whether it is blank, a placeholder word or garbage.
                let folded = fold(text);
                if folded.is_empty() {
                    flags |= ValueFlags::EMPTY;
                } else if is_placeholder_text(&folded) {
                    flags |= ValueFlags::PLACEHOLDER;
                } else {
                    flags |= ValueFlags::INVALID;
                }
                Normalized::unusable(raw, flags)
            }
        }
    }
}

impl Normalizer for BirthDateNormalizer {
    type Output = NormalizedDate;

    fn normalize(&self, raw: &str) -> Normalized<NormalizedDate> {
        self.normalize_text(raw)
    }
}

/// Cut a trailing time of day: `1985-04-12T10:30:00Z` and `12/04/1985 10:30` keep the date part.
fn strip_time(text: &str) -> &str {
    let Some(colon) = text.find(':') else {
        return text;
    };
    let head = &text[..colon];
    match head.rfind(|c: char| c == 'T' || c == 't' || c.is_whitespace()) {
        Some(cut) if !head[..cut].trim().is_empty() => &head[..cut],
        _ => text,
    }
}

/// One meaningful piece of a written date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    /// A run of digits: its value and how many digits were written.
    Num(u32, u8),
    /// A month name, and whether it is a Persian (Jalali) month name.
    Month(u8, bool),
}

/// At most this many items make a date (day, month, year, with one to spare for an error).
const MAX_ITEMS: usize = 4;

/// The longest word looked up (month and weekday names are shorter).
const MAX_WORD: usize = 12;

/// A written date split into items, without allocating.
#[derive(Debug)]
struct Scan {
    items: [Item; MAX_ITEMS],
    len: usize,
    /// The first separator between two items was a dot (`12.04.1985`).
    dotted: bool,
    /// The text began with `--` (ISO month-day, `--04-12`).
    double_dash: bool,
    /// Every number was zero (`00/00/0000`).
    all_zero: bool,
    /// Invisible characters were skipped.
    control_removed: bool,
}

/// English month names and abbreviations.
const MONTH_NAMES: &[(&str, u8)] = &[
    ("january", 1),
    ("jan", 1),
    ("february", 2),
    ("feb", 2),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("june", 6),
    ("jun", 6),
    ("july", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("october", 10),
    ("oct", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
    ("dec", 12),
];

/// Persian (Jalali) month names, in the folded spelling [`fold_word_char`] produces.
const JALALI_MONTH_NAMES: &[(&str, u8)] = &[
    ("فروردین", 1),
    ("اردیبهشت", 2),
    ("خرداد", 3),
    ("تیر", 4),
    ("مرداد", 5),
    ("امرداد", 5),
    ("شهریور", 6),
    ("مهر", 7),
    ("ابان", 8),
    ("اذر", 9),
    ("دی", 10),
    ("بهمن", 11),
    ("اسفند", 12),
];

/// Words that carry nothing: weekdays, ordinal suffixes, `of`, `the`.
const IGNORED_WORDS: &[&str] = &[
    "st",
    "nd",
    "rd",
    "th",
    "of",
    "the",
    "monday",
    "mon",
    "tuesday",
    "tue",
    "tues",
    "wednesday",
    "wed",
    "thursday",
    "thu",
    "thur",
    "thurs",
    "friday",
    "fri",
    "saturday",
    "sat",
    "sunday",
    "sun",
];

/// Lower-case a letter and unify Arabic-script variants, or `None` to drop it (harakat,
/// tatweel).
fn fold_word_char(c: char) -> Option<char> {
    Some(match c {
        '\u{064A}' | '\u{0649}' => '\u{06CC}',
        '\u{0643}' => '\u{06A9}',
        '\u{0622}' | '\u{0623}' | '\u{0625}' => '\u{0627}',
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => return None,
        c if c.is_ascii() => c.to_ascii_lowercase(),
        c => c,
    })
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '/' | '.' | ',' | '\\' | '_' | '\u{060C}')
}

impl Scan {
    /// Split `text` into items; `None` when it holds anything that is not part of a date.
    fn new(text: &str) -> Option<Scan> {
        let mut scan = Scan {
            items: [Item::Num(0, 0); MAX_ITEMS],
            len: 0,
            dotted: false,
            double_dash: text.trim_start().starts_with("--"),
            all_zero: true,
            control_removed: false,
        };
        let mut number: Option<(u32, u8)> = None;
        let mut word = ['\0'; MAX_WORD];
        let mut word_len = 0usize;
        let mut first_sep: Option<char> = None;
        let mut any_number = false;

        for c in text.chars() {
            let d = ascii_digit(c);
            if d.is_ascii_digit() {
                scan.flush_word(&word[..word_len])?;
                word_len = 0;
                let (value, digits) = number.unwrap_or((0, 0));
                if digits >= 9 {
                    return None;
                }
                number = Some((value * 10 + u32::from(d as u8 - b'0'), digits + 1));
            } else if c.is_alphabetic() || is_combining(c) {
                scan.flush_number(&mut number, &mut any_number)?;
                if let Some(f) = fold_word_char(c) {
                    if word_len == MAX_WORD {
                        return None;
                    }
                    word[word_len] = f;
                    word_len += 1;
                }
            } else if is_separator(c) {
                scan.flush_number(&mut number, &mut any_number)?;
                scan.flush_word(&word[..word_len])?;
                word_len = 0;
                if scan.len == 1 && first_sep.is_none() {
                    first_sep = Some(c);
                }
            } else if is_invisible(c) {
                scan.control_removed = true;
            } else {
                return None;
            }
        }
        scan.flush_number(&mut number, &mut any_number)?;
        scan.flush_word(&word[..word_len])?;
        scan.dotted = first_sep == Some('.');
        scan.all_zero &= any_number;
        (scan.len > 0).then_some(scan)
    }

    fn push(&mut self, item: Item) -> Option<()> {
        if self.len == MAX_ITEMS {
            return None;
        }
        self.items[self.len] = item;
        self.len += 1;
        Some(())
    }

    fn flush_number(&mut self, number: &mut Option<(u32, u8)>, any: &mut bool) -> Option<()> {
        if let Some((value, digits)) = number.take() {
            *any = true;
            self.all_zero &= value == 0;
            self.push(Item::Num(value, digits))?;
        }
        Some(())
    }

    fn flush_word(&mut self, word: &[char]) -> Option<()> {
        if word.is_empty() {
            return Some(());
        }
        let is = |name: &str| name.chars().eq(word.iter().copied());
        if let Some(&(_, month)) = MONTH_NAMES.iter().find(|(name, _)| is(name)) {
            self.all_zero = false;
            return self.push(Item::Month(month, false));
        }
        if let Some(&(_, month)) = JALALI_MONTH_NAMES.iter().find(|(name, _)| is(name)) {
            self.all_zero = false;
            return self.push(Item::Month(month, true));
        }
        IGNORED_WORDS.iter().any(|name| is(name)).then_some(())
    }

    fn items(&self) -> &[Item] {
        &self.items[..self.len]
    }
}

fn is_combining(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

/// How a year was written.
#[derive(Debug, Clone, Copy)]
struct WrittenYear {
    value: u32,
    digits: u8,
}

impl BirthDateNormalizer {
    /// Turn the items into a date, or `None` when they are not one.
    fn resolve(&self, scan: &Scan) -> Option<(NormalizedDate, ValueFlags)> {
        use Item::{Month, Num};
        let short = |digits: u8| (1..=2).contains(&digits);
        let year = |value: u32, digits: u8| WrittenYear { value, digits };
        let (date, alternative, mut flags) = match *scan.items() {
            [Num(value, 8)] => self.compact(value)?,
            [Num(value, 4)] => single(year_only(value)?),
            [Num(value, 6)] => single(year_month(year(value / 100, 4), value % 100, false)?),
            [Num(y, 4), Num(m, digits)] | [Num(m, digits), Num(y, 4)] if short(digits) => {
                single(year_month(year(y, 4), m, false)?)
            }
            [Month(month, jalali), Num(y, 4)] | [Num(y, 4), Month(month, jalali)] => {
                single(year_month(year(y, 4), month.into(), jalali)?)
            }
            [Month(month, false), Num(d, digits)] | [Num(d, digits), Month(month, false)]
                if short(digits) =>
            {
                single(month_day(month.into(), d)?)
            }
            [Num(m, a), Num(d, b)] if scan.double_dash && short(a) && short(b) => {
                single(month_day(m, d)?)
            }
            [Num(y, 4), Num(m, a), Num(d, b)] if short(a) && short(b) => {
                single(self.full(year(y, 4), m, d, false)?)
            }
            [Num(y, 4), Month(month, jalali), Num(d, digits)] if short(digits) => {
                single(self.full(year(y, 4), month.into(), d, jalali)?)
            }
            [Num(a, da), Num(b, db), Num(y, digits)]
                if short(da) && short(db) && matches!(digits, 2 | 4) =>
            {
                // Dotted dates are day first whatever the configured order.
                let order = if scan.dotted {
                    DateOrder::DayFirst
                } else {
                    self.order
                };
                self.either_order(year(y, digits), a, b, order)?
            }
            [Num(d, dd), Month(month, jalali), Num(y, digits)]
            | [Month(month, jalali), Num(d, dd), Num(y, digits)]
                if short(dd) && matches!(digits, 2 | 4) =>
            {
                single(self.full(year(y, digits), month.into(), d, jalali)?)
            }
            _ => return None,
        };
        flags |= self.judge(&date, flags);
        Some((NormalizedDate { date, alternative }, flags))
    }

    /// `YYYYMMDD`, falling back to `DDMMYYYY` / `MMDDYYYY` when the first four digits cannot
    /// start a year-month-day.
    fn compact(&self, value: u32) -> Option<(PartialDate, Option<PartialDate>, ValueFlags)> {
        let ymd = WrittenYear {
            value: value / 10_000,
            digits: 4,
        };
        if let Some(r) = self.full(ymd, value / 100 % 100, value % 100, false) {
            return Some(single(r));
        }
        let tail_year = WrittenYear {
            value: value % 10_000,
            digits: 4,
        };
        self.either_order(
            tail_year,
            value / 1_000_000,
            value / 10_000 % 100,
            self.order,
        )
    }

    /// `a/b/year`: day-first and month-first readings, chosen by `order` (see
    /// [`BirthDateNormalizer`]).
    fn either_order(
        &self,
        year: WrittenYear,
        a: u32,
        b: u32,
        order: DateOrder,
    ) -> Option<(PartialDate, Option<PartialDate>, ValueFlags)> {
        let day_first = self.full(year, b, a, false);
        let month_first = self.full(year, a, b, false);
        match (day_first, month_first) {
            (Some(d), Some(m)) if d.0 != m.0 => Some(match order {
                DateOrder::Unknown => (d.0, Some(m.0), d.1 | ValueFlags::AMBIGUOUS),
                DateOrder::DayFirst => single(d),
                DateOrder::MonthFirst => single(m),
            }),
            (Some(one), _) | (None, Some(one)) => Some(single(one)),
            (None, None) => None,
        }
    }

    /// A complete date, in either calendar.
    fn full(
        &self,
        year: WrittenYear,
        month: u32,
        day: u32,
        jalali: bool,
    ) -> Option<(PartialDate, ValueFlags)> {
        let y = match (year.digits, jalali) {
            (4, _) => i32::try_from(year.value).ok()?,
            (2, true) => 1300 + i32::try_from(year.value).ok()?,
            (2, false) => self.century(year.value, month, day),
            _ => return None,
        };
        let (m, d) = (u8::try_from(month).ok()?, u8::try_from(day).ok()?);
        if jalali || JALALI_YEARS.contains(&y) {
            // Only Jalali years in range: others would convert into it and read back differently.
            if !JALALI_YEARS.contains(&y) {
                return None;
            }
            let date = PartialDate::from_jalali(y, m, d)?;
            Some((date, ValueFlags::CONVERTED_CALENDAR))
        } else {
            Some((
                PartialDate::new(Some(y), Some(m), Some(d))?,
                ValueFlags::empty(),
            ))
        }
    }

    /// The full year of a two-digit year (see [`BirthDateNormalizer`]).
    fn century(&self, yy: u32, month: u32, day: u32) -> i32 {
        let yy = i32::try_from(yy % 100).unwrap_or(0);
        match self.today {
            Some(t) if (2000 + yy, month, day) <= (t.year(), t.month(), t.day()) => 2000 + yy,
            _ => 1900 + yy,
        }
    }

    /// Flags that depend on the date itself: partial, placeholder, implausible.
    fn judge(&self, date: &PartialDate, flags: ValueFlags) -> ValueFlags {
        let mut out = ValueFlags::empty();
        if !date.is_complete() {
            out |= ValueFlags::PARTIAL;
        }
        if !flags.contains(ValueFlags::CONVERTED_CALENDAR) && is_placeholder_date(date) {
            out |= ValueFlags::PLACEHOLDER;
        }
        if let Some(y) = date.year {
            let too_early = y < 1880;
            let too_late = self.today.is_some_and(|t| {
                let month = date.month.map(u32::from);
                let day = date.day.map(u32::from);
                (y, month.unwrap_or(1), day.unwrap_or(1)) > (t.year(), t.month(), t.day())
            });
            if too_early || too_late {
                out |= ValueFlags::IMPLAUSIBLE;
            }
        }
        out
    }
}

fn single(
    (date, flags): (PartialDate, ValueFlags),
) -> (PartialDate, Option<PartialDate>, ValueFlags) {
    (date, None, flags)
}

/// A year alone; a Jalali year becomes the Gregorian year of its Nowruz.
fn year_only(value: u32) -> Option<(PartialDate, ValueFlags)> {
    let y = i32::try_from(value).ok()?;
    if JALALI_YEARS.contains(&y) {
        let date = PartialDate::new(Some(y + 621), None, None)?;
        return Some((date, ValueFlags::CONVERTED_CALENDAR));
    }
    Some((PartialDate::new(Some(y), None, None)?, ValueFlags::empty()))
}

/// A year and month; a Jalali month becomes the Gregorian month holding its 15th day.
fn year_month(year: WrittenYear, month: u32, jalali: bool) -> Option<(PartialDate, ValueFlags)> {
    let y = i32::try_from(year.value).ok()?;
    let m = u8::try_from(month).ok()?;
    if jalali || JALALI_YEARS.contains(&y) {
        if !JALALI_YEARS.contains(&y) {
            return None;
        }
        let mid = PartialDate::from_jalali(y, m, 15)?;
        let date = PartialDate { day: None, ..mid };
        return Some((date, ValueFlags::CONVERTED_CALENDAR));
    }
    Some((
        PartialDate::new(Some(y), Some(m), None)?,
        ValueFlags::empty(),
    ))
}

/// A month and day with no year.
fn month_day(month: u32, day: u32) -> Option<(PartialDate, ValueFlags)> {
    let (m, d) = (u8::try_from(month).ok()?, u8::try_from(day).ok()?);
    Some((
        PartialDate::new(None, Some(m), Some(d))?,
        ValueFlags::empty(),
    ))
}

/// Default dates that systems write when the real one is unknown.
const PLACEHOLDER_DATES: &[(i32, u8, u8)] = &[
    (1, 1, 1),
    (1111, 11, 11),
    (1753, 1, 1),
    (1800, 1, 1),
    (1899, 12, 30),
    (1899, 12, 31),
    (1900, 1, 1),
    (1901, 1, 1),
    (1970, 1, 1),
    (9999, 1, 1),
    (9999, 12, 31),
];

fn is_placeholder_date(date: &PartialDate) -> bool {
    match (date.year, date.month, date.day) {
        (Some(y), Some(m), Some(d)) => PLACEHOLDER_DATES.contains(&(y, m, d)),
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Jalali (Solar Hijri) calendar.
// ---------------------------------------------------------------------------------------------

/// Jalali years at which the 33-year leap cycle shifts (from `jalaali-js`, after
/// Borkowski's "The Persian calendar for 3000 years").
const JALALI_BREAKS: [i32; 20] = [
    -61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324,
    2394, 2456, 3178,
];

/// The Gregorian date of 1 Farvardin (Nowruz) of Jalali year `jy`.
fn farvardin_first(jy: i32) -> Option<NaiveDate> {
    if !JALALI_SUPPORTED.contains(&jy) {
        return None;
    }
    let gy = jy + 621;
    let mut leap_j = -14;
    let mut jp = JALALI_BREAKS[0];
    let mut jump = 0;
    for &jm in &JALALI_BREAKS[1..] {
        jump = jm - jp;
        if jy < jm {
            break;
        }
        leap_j += jump / 33 * 8 + jump % 33 / 4;
        jp = jm;
    }
    let n = jy - jp;
    // Leap years from AD 621 to the start of this Jalali year.
    leap_j += n / 33 * 8 + (n % 33 + 3) / 4;
    if jump % 33 == 4 && jump - n == 4 {
        leap_j += 1;
    }
    // Leap years in the Gregorian calendar until year gy.
    let leap_g = gy / 4 - (gy / 100 + 1) * 3 / 4 - 150;
    let march = 20 + leap_j - leap_g;
    NaiveDate::from_ymd_opt(gy, 3, u32::try_from(march).ok()?)
}

/// Whether Jalali year `jy` has 366 days.
fn jalali_is_leap(jy: i32) -> Option<bool> {
    let this = farvardin_first(jy)?;
    let next = farvardin_first(jy + 1)?;
    Some((next - this).num_days() == 366)
}

/// Days in a Jalali month.
fn jalali_month_len(jy: i32, month: u8) -> Option<u8> {
    match month {
        1..=6 => Some(31),
        7..=11 => Some(30),
        12 => Some(if jalali_is_leap(jy)? { 30 } else { 29 }),
        _ => None,
    }
}

fn jalali_to_gregorian(jy: i32, month: u8, day: u8) -> Option<NaiveDate> {
    if day == 0 || day > jalali_month_len(jy, month)? {
        return None;
    }
    let m = u64::from(month);
    let offset = if m <= 6 {
        (m - 1) * 31
    } else {
        186 + (m - 7) * 30
    } + u64::from(day)
        - 1;
    farvardin_first(jy)?.checked_add_days(Days::new(offset))
}

fn gregorian_to_jalali(date: NaiveDate) -> Option<(i32, u8, u8)> {
    let mut jy = date.year() - 621;
    let mut start = farvardin_first(jy)?;
    if date < start {
        jy -= 1;
        start = farvardin_first(jy)?;
    }
    let k = u32::try_from((date - start).num_days()).ok()?;
    let (m, d) = if k < 186 {
        (1 + k / 31, k % 31 + 1)
    } else {
        (7 + (k - 186) / 30, (k - 186) % 30 + 1)
    };
    Some((jy, u8::try_from(m).ok()?, u8::try_from(d).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    fn norm(order: DateOrder, raw: &str) -> Normalized<NormalizedDate> {
        BirthDateNormalizer::with_order(order)
            .with_today(ymd(2026, 1, 1))
            .normalize(raw)
    }

    fn shown(raw: &str) -> String {
        norm(DateOrder::Unknown, raw)
            .value
            .map_or_else(|| "-".to_owned(), |v| v.to_string())
    }

    #[test]
    fn jalali_to_gregorian_known_dates() {
        let cases = [
            ((1365, 4, 12), (1986, 7, 3)),
            ((1403, 1, 1), (2024, 3, 20)),
            ((1399, 12, 30), (2021, 3, 20)),
            ((1400, 1, 1), (2021, 3, 21)),
            ((1403, 12, 30), (2025, 3, 20)),
            ((1404, 1, 1), (2025, 3, 21)),
            ((1357, 11, 22), (1979, 2, 11)),
            ((1348, 10, 11), (1970, 1, 1)),
            ((1300, 1, 1), (1921, 3, 21)),
            ((1375, 12, 30), (1997, 3, 20)),
            ((1354, 1, 1), (1975, 3, 21)),
            ((1, 1, 1), (622, 3, 22)),
        ];
        for ((jy, jm, jd), (gy, gm, gd)) in cases {
            assert_eq!(
                jalali_to_gregorian(jy, jm, jd),
                Some(ymd(gy, gm, gd)),
                "{jy}/{jm}/{jd}"
            );
            assert_eq!(gregorian_to_jalali(ymd(gy, gm, gd)), Some((jy, jm, jd)));
        }
    }

    #[test]
    fn jalali_leap_years() {
        for leap in [1375, 1379, 1383, 1387, 1391, 1395, 1399, 1403, 1408] {
            assert_eq!(jalali_is_leap(leap), Some(true), "{leap}");
        }
        for common in [1398, 1400, 1401, 1402, 1404, 1405, 1406, 1407] {
            assert_eq!(jalali_is_leap(common), Some(false), "{common}");
        }
        assert_eq!(jalali_to_gregorian(1400, 12, 30), None);
        assert_eq!(jalali_to_gregorian(1400, 12, 29), Some(ymd(2022, 3, 20)));
    }

    #[test]
    fn jalali_month_lengths_are_checked() {
        assert!(jalali_to_gregorian(1365, 6, 31).is_some());
        assert!(jalali_to_gregorian(1365, 7, 31).is_none());
        assert!(jalali_to_gregorian(1365, 11, 30).is_some());
        assert!(jalali_to_gregorian(1365, 13, 1).is_none());
        assert!(jalali_to_gregorian(1365, 1, 0).is_none());
    }

    #[test]
    fn jalali_round_trips_over_years() {
        let mut date = ymd(1821, 3, 1);
        while date < ymd(2130, 1, 1) {
            let (jy, jm, jd) = gregorian_to_jalali(date).expect("in range");
            assert_eq!(jalali_to_gregorian(jy, jm, jd), Some(date), "{date}");
            date = date + Days::new(7);
        }
    }

    #[test]
    fn iso_and_compact_forms() {
        for raw in [
            "1985-04-12",
            "1985/04/12",
            "1985.04.12",
            "19850412",
            "1985-4-12",
            "1985-04-12T00:00:00Z",
            "1985-04-12 10:30",
            "12.04.1985",
            "12 April 1985",
            "April 12, 1985",
            "12-Apr-1985",
            "Friday, 12th of April 1985",
            "1985 Apr 12",
            "  12 APRIL 1985 ",
        ] {
            assert_eq!(shown(raw), "1985-04-12", "{raw}");
        }
    }

    #[test]
    fn ambiguity_follows_order() {
        let n = norm(DateOrder::Unknown, "03/04/1985");
        assert!(n.flags.contains(ValueFlags::AMBIGUOUS));
        let v = n.value.expect("value");
        assert_eq!(v.date.to_string(), "1985-04-03");
        assert_eq!(
            v.alternative.map(|a| a.to_string()).as_deref(),
            Some("1985-03-04")
        );
        let d = norm(DateOrder::DayFirst, "03/04/1985");
        assert_eq!(d.flags, ValueFlags::empty());
        assert_eq!(d.value.expect("v").to_string(), "1985-04-03");
        let m = norm(DateOrder::MonthFirst, "03/04/1985");
        assert_eq!(m.value.expect("v").to_string(), "1985-03-04");
        // The one valid reading wins over the configured order.
        let m = norm(DateOrder::MonthFirst, "13/04/1985");
        assert_eq!(m.value.expect("v").to_string(), "1985-04-13");
        assert_eq!(m.flags, ValueFlags::empty());
        // Same day and month: one reading.
        assert_eq!(
            norm(DateOrder::Unknown, "04/04/1985").flags,
            ValueFlags::empty()
        );
        assert_eq!(shown("13/04/1985"), "1985-04-13");
        assert_eq!(shown("04/13/1985"), "1985-04-13");
        // Dots are day first.
        assert_eq!(shown("03.04.1985"), "1985-04-03");
    }

    #[test]
    fn two_digit_years() {
        assert_eq!(shown("12/04/85"), "1985-04-12|1985-12-04");
        assert_eq!(shown("13/04/05"), "2005-04-13");
        assert_eq!(shown("31/12/25"), "2025-12-31");
        assert_eq!(shown("13/04/26"), "1926-04-13");
        let no_today = BirthDateNormalizer::with_order(DateOrder::DayFirst).normalize("13/04/05");
        assert_eq!(no_today.value.expect("v").to_string(), "1905-04-13");
    }

    #[test]
    fn partial_dates() {
        for (raw, want) in [
            ("1985", "1985"),
            ("1985-04", "1985-04"),
            ("04/1985", "1985-04"),
            ("Apr 1985", "1985-04"),
            ("--04-12", "--04-12"),
            ("12 April", "--04-12"),
            ("198504", "1985-04"),
        ] {
            let n = norm(DateOrder::Unknown, raw);
            assert!(n.flags.contains(ValueFlags::PARTIAL), "{raw}");
            assert_eq!(n.value.expect("v").to_string(), want, "{raw}");
        }
    }

    #[test]
    fn jalali_inputs() {
        let n = norm(DateOrder::Unknown, "۱۳۶۵/۰۴/۱۲");
        assert_eq!(n.flags, ValueFlags::CONVERTED_CALENDAR);
        assert_eq!(n.value.expect("v").to_string(), "1986-07-03");
        assert_eq!(shown("١٣٦٥/٠٤/١٢"), "1986-07-03");
        assert_eq!(shown("۱۲ تیر ۱۳۶۵"), "1986-07-03");
        assert_eq!(shown("12 تير 1365"), "1986-07-03");
        assert_eq!(shown("1399/12/30"), "2021-03-20");
        assert_eq!(shown("1400/12/30"), "-");
        assert_eq!(shown("1365/07/31"), "-");
        let year = norm(DateOrder::Unknown, "۱۳۶۵");
        assert_eq!(year.value.expect("v").to_string(), "1986");
        assert!(year
            .flags
            .contains(ValueFlags::PARTIAL | ValueFlags::CONVERTED_CALENDAR));
        assert_eq!(shown("1365/04"), "1986-07");
        assert_eq!(shown("1365/10"), "1987-01");
        // A right-to-left mark is skipped and reported.
        let rlm = norm(DateOrder::Unknown, "\u{200F}۱۳۶۵/۰۴/۱۲");
        assert!(rlm.flags.contains(ValueFlags::CONTROL_REMOVED));
    }

    #[test]
    fn invalid_and_flagged() {
        for raw in [
            "31/02/1985",
            "1985-13-01",
            "00/04/1985",
            "19850230",
            "garbage",
            "12:04:1985",
            "0000-04-12",
        ] {
            let n = norm(DateOrder::Unknown, raw);
            assert!(n.value.is_none(), "{raw}");
            assert!(n.flags.contains(ValueFlags::INVALID), "{raw}");
        }
        let zero = norm(DateOrder::Unknown, "00/00/0000");
        assert!(zero
            .flags
            .contains(ValueFlags::INVALID | ValueFlags::PLACEHOLDER));
        assert_eq!(norm(DateOrder::Unknown, "  ").flags, ValueFlags::EMPTY);
        assert_eq!(
            norm(DateOrder::Unknown, "--/--/----").flags,
            ValueFlags::EMPTY
        );
        assert_eq!(
            norm(DateOrder::Unknown, "unknown").flags,
            ValueFlags::PLACEHOLDER
        );
        for raw in [
            "1900-01-01",
            "1970-01-01",
            "9999-12-31",
            "1111-11-11",
            "0001-01-01",
        ] {
            let n = norm(DateOrder::Unknown, raw);
            assert!(n.value.is_some(), "{raw}");
            assert!(n.flags.contains(ValueFlags::PLACEHOLDER), "{raw}");
        }
        let future = norm(DateOrder::Unknown, "2030-01-01");
        assert_eq!(future.flags, ValueFlags::IMPLAUSIBLE);
        assert_eq!(
            norm(DateOrder::Unknown, "1870-05-05").flags,
            ValueFlags::IMPLAUSIBLE
        );
        assert_eq!(norm(DateOrder::Unknown, "2026").flags, ValueFlags::PARTIAL);
        assert!(norm(DateOrder::Unknown, "2027")
            .flags
            .contains(ValueFlags::IMPLAUSIBLE));
    }

    #[test]
    fn partial_date_helpers() {
        assert!(PartialDate::new(None, Some(2), Some(29)).is_some());
        assert!(PartialDate::new(Some(1985), Some(2), Some(29)).is_none());
        assert!(PartialDate::new(Some(0), None, None).is_none());
        assert!(PartialDate::new(None, None, None).is_none());
        let d = PartialDate::from(ymd(1985, 4, 12));
        assert!(d.is_compatible_with(&PartialDate::new(None, Some(4), Some(12)).expect("md")));
        assert!(!d.is_compatible_with(&PartialDate::new(Some(1986), None, None).expect("y")));
        assert_eq!(PartialDate::default().to_string(), "-");
    }

    #[test]
    fn display_round_trips() {
        for raw in [
            "1985-04-12",
            "1985-04",
            "1985",
            "--04-12",
            "0001-01-01",
            "0999-12-31",
        ] {
            assert_eq!(shown(raw), raw);
        }
    }
}
