//! Reading [`SourceRecord`]s from CSV files whose columns are mapped to attribute kinds.
//!
//! Column headers are mapped to [`ColumnKind`]s by common names, case-insensitively
//! (`first_name`, `surname`, `dob`, `postcode`, ...); a host overrides any of them, and columns
//! with no known meaning are kept as custom attributes. Values are trimmed (FEBRL's values
//! carry leading spaces). Every bad row becomes a [`CsvError`] naming its line; the rows around
//! it still read.

use std::fmt;
use std::hash::BuildHasher;
use std::io::Read;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use crate::model::{
    Email, Identifier, IdentifierKind, PersonName, Phone, PhoneKind, PostalAddress, RecordKey,
    SourceRecord, SourceSystem,
};

/// What a CSV column holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ColumnKind {
    /// The record's key in its source.
    RecordId,
    /// The source system's name.
    Source,
    /// When the source observed or updated the record (RFC 3339 or `YYYY-MM-DD`).
    ObservedAt,
    /// Given name.
    GivenName,
    /// Middle name.
    MiddleName,
    /// Family name.
    FamilyName,
    /// A whole name in one string.
    FullName,
    /// Title.
    NamePrefix,
    /// Name suffix.
    NameSuffix,
    /// E-mail address.
    Email,
    /// Phone number of unstated kind.
    Phone,
    /// Mobile phone number.
    Mobile,
    /// Landline phone number.
    Landline,
    /// Birth date.
    BirthDate,
    /// Gender.
    Gender,
    /// House number, joined to the first address line.
    StreetNumber,
    /// An address line (street, building).
    AddressLine,
    /// City, town or suburb.
    Locality,
    /// State or province.
    Region,
    /// Postal code.
    Postcode,
    /// Country.
    Country,
    /// A typed identifier.
    Identifier(IdentifierKind),
    /// The issuer (an ISO country code such as `IR`, or a system name) of the row's national
    /// IDs, passports and tax numbers.
    IdentifierIssuer,
    /// Kept as a custom attribute under the column's name.
    Custom,
    /// Not read.
    Ignore,
}

impl ColumnKind {
    /// The kind a header most likely means, by common names, case-insensitively; `Custom` when
    /// it is none of them.
    ///
    /// ```
    /// use customer360::adapters::csv::ColumnKind;
    /// assert_eq!(ColumnKind::guess(" Surname"), ColumnKind::FamilyName);
    /// assert_eq!(ColumnKind::guess("DOB"), ColumnKind::BirthDate);
    /// assert_eq!(ColumnKind::guess("loyalty_tier"), ColumnKind::Custom);
    /// ```
    pub fn guess(header: &str) -> ColumnKind {
        let h: String = header
            .trim()
            .trim_start_matches('\u{FEFF}')
            .chars()
            .map(|c| match c {
                ' ' | '-' | '.' => '_',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        match h.as_str() {
            "record_id" | "rec_id" | "id" | "recid" | "key" | "record_key" => ColumnKind::RecordId,
            "source" | "source_system" | "system" => ColumnKind::Source,
            "updated_at" | "event_date" | "timestamp" | "observed_at" | "last_updated"
            | "modified_at" => ColumnKind::ObservedAt,
            "first_name" | "given_name" | "forename" | "firstname" | "givenname" | "first" => {
                ColumnKind::GivenName
            }
            "middle_name" | "middlename" | "middle" => ColumnKind::MiddleName,
            "last_name" | "surname" | "family_name" | "lastname" | "familyname" | "last" => {
                ColumnKind::FamilyName
            }
            "name" | "full_name" | "fullname" | "customer_name" => ColumnKind::FullName,
            "title" | "prefix" | "salutation" => ColumnKind::NamePrefix,
            "suffix" | "name_suffix" => ColumnKind::NameSuffix,
            "email" | "e_mail" | "email_address" | "mail" => ColumnKind::Email,
            "phone" | "telephone" | "phone_number" | "tel" => ColumnKind::Phone,
            "mobile" | "mobile_phone" | "cell" | "cellphone" | "cell_phone" => ColumnKind::Mobile,
            "landline" | "home_phone" => ColumnKind::Landline,
            "dob" | "date_of_birth" | "birth_date" | "birthdate" | "birthday" => {
                ColumnKind::BirthDate
            }
            "sex" | "gender" => ColumnKind::Gender,
            "street_number" | "house_number" | "street_no" => ColumnKind::StreetNumber,
            "street" | "address" | "address_1" | "address_2" | "address1" | "address2"
            | "address_line_1" | "address_line_2" | "street_address" => ColumnKind::AddressLine,
            "city" | "suburb" | "town" | "locality" => ColumnKind::Locality,
            "state" | "region" | "province" | "county" => ColumnKind::Region,
            "postcode" | "zip" | "zipcode" | "zip_code" | "postal_code" | "post_code" => {
                ColumnKind::Postcode
            }
            "country" | "country_code" => ColumnKind::Country,
            "national_id" | "ssn" | "soc_sec_id" | "national_code" | "nin" => {
                ColumnKind::Identifier(IdentifierKind::NationalId)
            }
            "passport" | "passport_number" => ColumnKind::Identifier(IdentifierKind::Passport),
            "national_id_issuer" | "id_issuer" | "issuer" | "id_country" => {
                ColumnKind::IdentifierIssuer
            }
            "customer_id" | "customer_number" => ColumnKind::Identifier(IdentifierKind::Customer),
            "account" | "account_number" | "account_id" => {
                ColumnKind::Identifier(IdentifierKind::Account)
            }
            "loyalty" | "loyalty_number" | "loyalty_id" => {
                ColumnKind::Identifier(IdentifierKind::Loyalty)
            }
            _ => ColumnKind::Custom,
        }
    }
}

impl FromStr for ColumnKind {
    type Err = CsvError;

    /// Parse a kind name as given to `--map COLUMN=KIND`: a header-like name that
    /// [`ColumnKind::guess`] knows (`given_name`, `email`, `dob`...), `identifier:<kind>`,
    /// `custom` or `ignore`.
    fn from_str(s: &str) -> Result<Self, CsvError> {
        let s = s.trim();
        if let Some(kind) = s.strip_prefix("identifier:") {
            return Ok(ColumnKind::Identifier(IdentifierKind::from(
                kind.to_owned(),
            )));
        }
        match s.to_ascii_lowercase().as_str() {
            "custom" => Ok(ColumnKind::Custom),
            "ignore" | "skip" => Ok(ColumnKind::Ignore),
            _ => match ColumnKind::guess(s) {
                ColumnKind::Custom => Err(CsvError::UnknownColumnKind(s.to_owned())),
                kind => Ok(kind),
            },
        }
    }
}

impl fmt::Display for ColumnKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            ColumnKind::RecordId => "record_id",
            ColumnKind::Source => "source",
            ColumnKind::ObservedAt => "observed_at",
            ColumnKind::GivenName => "given_name",
            ColumnKind::MiddleName => "middle_name",
            ColumnKind::FamilyName => "family_name",
            ColumnKind::FullName => "full_name",
            ColumnKind::NamePrefix => "prefix",
            ColumnKind::NameSuffix => "suffix",
            ColumnKind::Email => "email",
            ColumnKind::Phone => "phone",
            ColumnKind::Mobile => "mobile",
            ColumnKind::Landline => "landline",
            ColumnKind::BirthDate => "birth_date",
            ColumnKind::Gender => "gender",
            ColumnKind::StreetNumber => "street_number",
            ColumnKind::AddressLine => "address",
            ColumnKind::Locality => "locality",
            ColumnKind::Region => "region",
            ColumnKind::Postcode => "postcode",
            ColumnKind::Country => "country",
            ColumnKind::Identifier(kind) => return write!(f, "identifier:{kind}"),
            ColumnKind::IdentifierIssuer => "id_issuer",
            ColumnKind::Custom => "custom",
            ColumnKind::Ignore => "ignore",
        };
        f.write_str(name)
    }
}

/// Something wrong with a CSV input or one of its rows.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CsvError {
    /// The input could not be read or is not CSV.
    #[error("cannot read the CSV input: {0}")]
    Read(#[from] csv::Error),
    /// The input has no header row.
    #[error("the CSV input is empty: it needs a header row naming its columns")]
    Empty,
    /// No column holds record IDs.
    #[error(
        "no record ID column: name one `record_id`, `rec_id` or `id`, or choose it with \
         --id-column (headers are: {headers})"
    )]
    NoIdColumn {
        /// The headers found.
        headers: String,
    },
    /// A column named in the options is not in the header.
    #[error("column {column:?} is not in the CSV header (headers are: {headers})")]
    NoSuchColumn {
        /// The column asked for.
        column: String,
        /// The headers found.
        headers: String,
    },
    /// A kind name given to `--map` is not known.
    #[error(
        "unknown column kind {0:?}: use a name such as given_name, family_name, email, phone, \
         mobile, dob, address, city, postcode, national_id, identifier:<kind>, custom or ignore"
    )]
    UnknownColumnKind(String),
    /// A `--map` argument is not `COLUMN=KIND`.
    #[error("bad column mapping {0:?}: write it as COLUMN=KIND, e.g. surname=family_name")]
    BadMapping(String),
    /// A row has a different number of fields from the header.
    #[error("line {line}: the row has {found} fields but the header has {expected}")]
    RaggedRow {
        /// 1-based line number.
        line: u64,
        /// Fields in the header.
        expected: usize,
        /// Fields in the row.
        found: usize,
    },
    /// A field is not valid UTF-8.
    #[error(
        "line {line}, column {column:?}: the value is not valid UTF-8; re-export the file as UTF-8"
    )]
    InvalidUtf8 {
        /// 1-based line number.
        line: u64,
        /// The column's header.
        column: String,
    },
    /// A row has no record ID.
    #[error("line {line}: the record ID column {column:?} is empty; every record needs a key")]
    MissingRecordId {
        /// 1-based line number.
        line: u64,
        /// The ID column's header.
        column: String,
    },
    /// A record key appears twice for one source.
    #[error(
        "line {line}: record {key:?} of source {source_system:?} already appeared on line \
         {first_line}; keys must be unique within a source"
    )]
    DuplicateKey {
        /// 1-based line number of the repeat.
        line: u64,
        /// Line of the first occurrence.
        first_line: u64,
        /// The source.
        source_system: String,
        /// The repeated key.
        key: String,
    },
    /// A timestamp could not be read.
    #[error(
        "line {line}, column {column:?}: {value:?} is not a timestamp; use RFC 3339 \
         (2026-03-01T09:30:00Z) or a date (2026-03-01)"
    )]
    BadTimestamp {
        /// 1-based line number.
        line: u64,
        /// The column's header.
        column: String,
        /// The value found.
        value: String,
    },
}

impl CsvError {
    /// The 1-based line the error is about, for row errors.
    pub fn line(&self) -> Option<u64> {
        match self {
            CsvError::RaggedRow { line, .. }
            | CsvError::InvalidUtf8 { line, .. }
            | CsvError::MissingRecordId { line, .. }
            | CsvError::DuplicateKey { line, .. }
            | CsvError::BadTimestamp { line, .. } => Some(*line),
            _ => None,
        }
    }
}

/// How to read a CSV file: column overrides, the ID and source columns, the default source.
///
/// ```
/// use customer360::adapters::csv::{read_records, ColumnKind, CsvOptions};
///
/// let data = "rec_id,first,surname,tel,tier\n1, Jonh,Smith,(555) 123-4567,gold\n";
/// let options = CsvOptions::new("crm").map("tel", ColumnKind::Mobile);
/// let records: Vec<_> = read_records(data.as_bytes(), &options)?
///     .collect::<Result<_, _>>()?;
/// let r = &records[0];
/// assert_eq!(r.key.as_str(), "1");
/// assert_eq!(r.identity.names[0].given.as_deref(), Some("Jonh"));
/// assert_eq!(r.identity.phones[0].number, "(555) 123-4567");
/// assert_eq!(r.custom["tier"], "gold");
/// # Ok::<(), customer360::adapters::csv::CsvError>(())
/// ```
#[derive(Debug, Clone)]
pub struct CsvOptions {
    default_source: String,
    overrides: Vec<(String, ColumnKind)>,
    id_column: Option<String>,
    source_column: Option<String>,
    check_repeated_keys: bool,
}

impl CsvOptions {
    /// Options for a file whose records all come from `default_source`, unless a source column
    /// says otherwise.
    pub fn new(default_source: impl Into<String>) -> Self {
        CsvOptions {
            default_source: default_source.into(),
            overrides: Vec::new(),
            id_column: None,
            source_column: None,
            check_repeated_keys: true,
        }
    }

    /// Map `column` to `kind`, overriding the guess.
    #[must_use]
    pub fn map(mut self, column: impl Into<String>, kind: ColumnKind) -> Self {
        self.overrides.push((column.into(), kind));
        self
    }

    /// Map from a `COLUMN=KIND` argument.
    pub fn map_arg(self, arg: &str) -> Result<Self, CsvError> {
        let (column, kind) = arg
            .split_once('=')
            .ok_or_else(|| CsvError::BadMapping(arg.to_owned()))?;
        if column.trim().is_empty() {
            return Err(CsvError::BadMapping(arg.to_owned()));
        }
        Ok(self.map(column.trim(), kind.parse()?))
    }

    /// The column that holds record IDs.
    #[must_use]
    pub fn id_column(mut self, column: impl Into<String>) -> Self {
        self.id_column = Some(column.into());
        self
    }

    /// The column that holds source system names.
    #[must_use]
    pub fn source_column(mut self, column: impl Into<String>) -> Self {
        self.source_column = Some(column.into());
        self
    }

    /// Whether reading looks for a record key that repeats within its source and refuses the
    /// repeat with [`CsvError::DuplicateKey`], naming the line of both (the default: `true`).
    ///
    /// The check keeps every key read (39 MB for a million generated rows) and at a million
    /// rows it was a third of the reading thread's time: a cache miss or two a row in a table
    /// larger than the cache. Rows that go to a [`Resolver`](crate::Resolver) can skip it,
    /// since the resolver refuses a repeated key anyway ([`ResolveError::DuplicateRecord`]),
    /// only without line numbers: read again with the check on to find them, as the
    /// `resolve` example does.
    ///
    /// ```
    /// use customer360::adapters::csv::{read_records, CsvError, CsvOptions};
    ///
    /// let data = "rec_id,first,surname\n1,Ann,Lee\n1,Ann,Lee\n";
    /// let checked = read_records(data.as_bytes(), &CsvOptions::new("crm"))?;
    /// let rows: Vec<_> = checked.collect();
    /// assert!(matches!(rows[1], Err(CsvError::DuplicateKey { line: 3, first_line: 2, .. })));
    ///
    /// let unchecked = CsvOptions::new("crm").check_repeated_keys(false);
    /// let rows: Vec<_> = read_records(data.as_bytes(), &unchecked)?.collect();
    /// assert!(rows.iter().all(Result::is_ok));
    /// # Ok::<(), CsvError>(())
    /// ```
    ///
    /// [`ResolveError::DuplicateRecord`]: crate::ResolveError::DuplicateRecord
    #[must_use]
    pub fn check_repeated_keys(mut self, check: bool) -> Self {
        self.check_repeated_keys = check;
        self
    }

    /// Resolve every header to a kind.
    fn schema(&self, headers: &[String]) -> Result<Vec<ColumnKind>, CsvError> {
        let list = || headers.join(", ");
        let position = |name: &str| {
            headers
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name.trim()))
                .ok_or_else(|| CsvError::NoSuchColumn {
                    column: name.to_owned(),
                    headers: list(),
                })
        };
        let mut kinds: Vec<ColumnKind> = headers.iter().map(|h| ColumnKind::guess(h)).collect();
        for (column, kind) in &self.overrides {
            kinds[position(column)?] = kind.clone();
        }
        if let Some(id) = &self.id_column {
            let at = position(id)?;
            for k in kinds.iter_mut().filter(|k| **k == ColumnKind::RecordId) {
                *k = ColumnKind::Custom;
            }
            kinds[at] = ColumnKind::RecordId;
        }
        if let Some(source) = &self.source_column {
            let at = position(source)?;
            for k in kinds.iter_mut().filter(|k| **k == ColumnKind::Source) {
                *k = ColumnKind::Custom;
            }
            kinds[at] = ColumnKind::Source;
        }
        // Only the first of several guessed ID or source columns counts.
        for single in [ColumnKind::RecordId, ColumnKind::Source] {
            let mut seen = false;
            for k in kinds.iter_mut().filter(|k| **k == single) {
                if seen {
                    *k = ColumnKind::Custom;
                }
                seen = true;
            }
        }
        if !kinds.contains(&ColumnKind::RecordId) {
            return Err(CsvError::NoIdColumn { headers: list() });
        }
        Ok(kinds)
    }
}

/// Bytes the CSV reader asks its input for at a time: a million-row file is read in some
/// 1 700 calls instead of the 13 600 of `csv`'s default 8 KiB buffer.
const READ_BUFFER: usize = 1 << 16;

/// Start reading records from CSV `input`. The header is read and mapped now; rows are read as
/// the iterator advances, each as a record or a [`CsvError`] naming its line.
pub fn read_records<R: Read>(input: R, options: &CsvOptions) -> Result<CsvRecords<R>, CsvError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .buffer_capacity(READ_BUFFER)
        .from_reader(input);
    let mut header = csv::ByteRecord::new();
    if !reader.read_byte_record(&mut header)? {
        return Err(CsvError::Empty);
    }
    let headers: Vec<String> = header
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim()
                .trim_start_matches('\u{FEFF}')
                .trim()
                .to_owned()
        })
        .collect();
    let kinds = options.schema(&headers)?;
    let position = |kind: &ColumnKind| kinds.iter().position(|k| k == kind);
    // The options' schema always has exactly one ID column and at most one source column.
    let key_column = position(&ColumnKind::RecordId).ok_or_else(|| CsvError::NoIdColumn {
        headers: headers.join(", "),
    })?;
    let source_column = position(&ColumnKind::Source);
    Ok(CsvRecords {
        rows: CsvRows {
            reader,
            schema: CsvSchema {
                headers,
                kinds,
                default_source: options.default_source.clone(),
                key_column,
                source_column,
            },
            row: csv::ByteRecord::new(),
            first_lines: options.check_repeated_keys.then(FirstLines::default),
        },
    })
}

/// An iterator of records read from CSV; see [`read_records`].
///
/// Each row is read in two steps, which [`into_rows`](Self::into_rows) lets a host run on
/// different threads: [`CsvRows`] checks it (everything that can be wrong with a row, and
/// whether its key repeats unless [`CsvOptions::check_repeated_keys`] is off, is found
/// there), then [`CsvSchema::record`] turns the checked [`CsvRow`] into a [`SourceRecord`],
/// which cannot fail.
pub struct CsvRecords<R> {
    rows: CsvRows<R>,
}

/// The rows of a CSV input, each checked but not yet turned into a record: what
/// [`CsvRecords::into_rows`] gives.
///
/// Checking a row needs what came before it (to find repeated keys), so it runs where the
/// file is read; turning it into a [`SourceRecord`] with [`CsvSchema::record`] needs only
/// the row, so it can run where the record is used. [`Resolver::resolve_rows`] does that on
/// its worker threads, where each record's strings are allocated, read and freed on one
/// core; a record built on the reading thread is dozens of allocations made there and
/// freed by another.
///
/// ```
/// use customer360::adapters::csv::{read_records, CsvOptions};
/// use customer360::Resolver;
///
/// let data = "rec_id,first,surname,email\n\
///             1,John,Smith,john.smith@example.org\n\
///             2,Jonh,Smith,john.smith@example.org\n\
///             3,Emma,Jones,emma@example.org\n";
/// let rows = read_records(data.as_bytes(), &CsvOptions::new("crm"))?.into_rows();
/// let schema = rows.schema().clone();
/// let checked = rows.collect::<Result<Vec<_>, _>>()?;
/// assert_eq!(checked[1].line(), 3);
///
/// let resolution = Resolver::builder()
///     .build()?
///     .resolve_rows(checked, |row| schema.record(row), &mut ())?;
/// assert_eq!(resolution.customer_count(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// [`Resolver::resolve_rows`]: crate::Resolver::resolve_rows
pub struct CsvRows<R> {
    reader: csv::Reader<R>,
    schema: CsvSchema,
    /// The row being read, reused; each checked row is a copy.
    row: csv::ByteRecord,
    /// The line each `(source, key)` was first seen on, to report repeats; `None` when
    /// [`CsvOptions::check_repeated_keys`] is off.
    first_lines: Option<FirstLines>,
}

/// How a CSV input's columns become a record: its headers, the kind each was mapped to, and
/// the source of rows that do not name one. It turns a checked [`CsvRow`] into a
/// [`SourceRecord`]; see [`CsvRows`].
#[derive(Debug, Clone)]
pub struct CsvSchema {
    headers: Vec<String>,
    kinds: Vec<ColumnKind>,
    default_source: String,
    /// The column of [`ColumnKind::RecordId`]: there is always exactly one.
    key_column: usize,
    /// The column of [`ColumnKind::Source`], if there is one.
    source_column: Option<usize>,
}

/// One row of a CSV input, checked by [`CsvRows`]: it has as many fields as the header,
/// every field is UTF-8, its timestamp reads, its key is present and (unless
/// [`CsvOptions::check_repeated_keys`] is off) not a repeat. Turn it
/// into a record with [`CsvSchema::record`].
#[derive(Debug, Clone)]
pub struct CsvRow {
    fields: Fields,
    line: u64,
    /// The value of the (last non-empty) [`ColumnKind::ObservedAt`] column, read when the
    /// row was checked.
    observed_at: Option<DateTime<Utc>>,
}

impl CsvRow {
    /// The 1-based line the row starts on.
    pub fn line(&self) -> u64 {
        self.line
    }
}

/// The line on which each `(source, key)` was first seen: one entry per row read, so each
/// source name is stored once and each key once, and rows are hashed with foldhash (seeded
/// per reader, so keys taken from input cannot be chosen to collide).
///
/// Keys are kept end to end in one arena rather than one allocation each. The hash table
/// holds eight bytes a row: the row's number and 32 bits of its hash, from which the table's
/// hash is spread again when it grows, so growing reads nothing else. At a million rows the
/// table is far larger than the cache: rehashing by key read every key from memory, and
/// every byte of a table that is written is a page the kernel must first zero.
#[derive(Default)]
struct FirstLines {
    /// Each source's number.
    sources: hashbrown::HashMap<String, u32>,
    table: hashbrown::HashTable<Slot>,
    /// Every row remembered, in the order read.
    rows: Vec<Seen>,
    /// Every key, end to end.
    keys: String,
    hasher: hashbrown::DefaultHashBuilder,
}

/// A row's place in [`FirstLines::table`].
#[derive(Clone, Copy)]
struct Slot {
    /// The low 32 bits of the row's hash.
    tag: u32,
    /// Its index in [`FirstLines::rows`].
    row: u32,
}

impl Slot {
    /// The table's hash for a tag: multiplying by an odd constant keeps the tag's
    /// well-mixed low bits as the bucket index and spreads all of them into the top bits
    /// the table keeps in its control bytes.
    fn hash(tag: u32) -> u64 {
        u64::from(tag).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
}

/// One `(source, key)` in [`FirstLines`].
struct Seen {
    line: u64,
    /// Where the key starts in the arena.
    start: usize,
    len: u32,
    source: u32,
}

impl FirstLines {
    /// Record that `(source, key)` is on `line`; the line it was first seen on when it was
    /// seen before.
    fn first_seen(&mut self, source: &str, key: &str, line: u64) -> Option<u64> {
        let next = u32::try_from(self.sources.len()).unwrap_or(u32::MAX);
        let source = *self.sources.entry_ref(source).or_insert(next);
        let FirstLines {
            table,
            rows,
            keys,
            hasher,
            ..
        } = self;
        // Truncated on purpose: 32 bits pick the bucket; the few rows sharing a tag are told
        // apart by their source and key.
        let tag = hasher.hash_one((source, key)) as u32;
        let hash = Slot::hash(tag);
        let same = |slot: &Slot| {
            slot.tag == tag && {
                let seen = &rows[slot.row as usize];
                seen.source == source
                    && keys.get(seen.start..seen.start + seen.len as usize) == Some(key)
            }
        };
        if let Some(slot) = table.find(hash, same) {
            return Some(rows[slot.row as usize].line);
        }
        // A key of 4 GiB or more, or a row after the 2^32nd, is not remembered: a repeat of
        // it goes unreported here (the resolver still refuses it), and no row is ever wrongly
        // held for a repeat.
        let (Ok(len), Ok(row)) = (u32::try_from(key.len()), u32::try_from(rows.len())) else {
            return None;
        };
        let start = keys.len();
        keys.push_str(key);
        rows.push(Seen {
            line,
            start,
            len,
            source,
        });
        table.insert_unique(hash, Slot { tag, row }, |slot| Slot::hash(slot.tag));
        None
    }
}

impl<R> fmt::Debug for CsvRecords<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CsvRecords")
            .field("columns", &self.columns().collect::<Vec<_>>())
            .finish()
    }
}

impl<R> fmt::Debug for CsvRows<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CsvRows")
            .field("columns", &self.schema.columns().collect::<Vec<_>>())
            .finish()
    }
}

impl<R> CsvRecords<R> {
    /// Each column's header and the kind it was mapped to.
    pub fn columns(&self) -> impl Iterator<Item = (&str, &ColumnKind)> {
        self.rows.schema.columns()
    }

    /// How the columns become a record.
    pub fn schema(&self) -> &CsvSchema {
        &self.rows.schema
    }

    /// The rows still to read, checked but not turned into records: for reading on one
    /// thread and building records on others (see [`CsvRows`]).
    pub fn into_rows(self) -> CsvRows<R> {
        self.rows
    }
}

impl<R> CsvRows<R> {
    /// How the columns become a record: [`CsvSchema::record`] turns each row into one.
    pub fn schema(&self) -> &CsvSchema {
        &self.schema
    }

    /// Check the row just read, which starts on `line`, and keep a copy of it.
    fn check(&mut self, line: u64) -> Result<CsvRow, CsvError> {
        let schema = &self.schema;
        if self.row.len() != schema.headers.len() {
            return Err(CsvError::RaggedRow {
                line,
                expected: schema.headers.len(),
                found: self.row.len(),
            });
        }
        let fields = Fields::of(&self.row).map_err(|field| CsvError::InvalidUtf8 {
            line,
            column: schema.column_name(field),
        })?;
        let mut observed_at = None;
        for (i, kind) in schema.kinds.iter().enumerate() {
            if *kind != ColumnKind::ObservedAt {
                continue;
            }
            let value = field(&fields, i);
            if value.is_empty() {
                continue;
            }
            observed_at = Some(
                parse_timestamp(value).ok_or_else(|| CsvError::BadTimestamp {
                    line,
                    column: schema.column_name(i),
                    value: value.to_owned(),
                })?,
            );
        }
        let key = field(&fields, schema.key_column);
        if key.is_empty() {
            return Err(CsvError::MissingRecordId {
                line,
                column: schema.column_name(schema.key_column),
            });
        }
        let source = schema.source(&fields);
        let first_seen = self.first_lines.as_mut();
        if let Some(first_line) = first_seen.and_then(|f| f.first_seen(source, key, line)) {
            return Err(CsvError::DuplicateKey {
                line,
                first_line,
                source_system: source.to_owned(),
                key: key.to_owned(),
            });
        }
        Ok(CsvRow {
            fields,
            line,
            observed_at,
        })
    }
}

/// A checked row's fields: its text, fields end to end, and where each field ends.
///
/// Two allocations of exactly the row's size, written once; a `csv::StringRecord` copy took
/// three and zeroed its buffers before copying into them.
#[derive(Debug, Clone)]
struct Fields {
    text: Box<str>,
    ends: Box<[usize]>,
}

impl Fields {
    /// The fields of `row`, or the index of the first field that is not UTF-8.
    fn of(row: &csv::ByteRecord) -> Result<Fields, usize> {
        let first_bad_field = || {
            row.iter()
                .position(|f| std::str::from_utf8(f).is_err())
                .unwrap_or_default()
        };
        let ends: Box<[usize]> = (0..row.len())
            .map(|i| row.range(i).map_or(0, |r| r.end))
            .collect();
        // The whole row at once, then each boundary: a character split between two fields
        // leaves both invalid although their concatenation reads.
        let text = std::str::from_utf8(row.as_slice()).map_err(|_| first_bad_field())?;
        if ends.iter().any(|&end| !text.is_char_boundary(end)) {
            return Err(first_bad_field());
        }
        Ok(Fields {
            text: text.into(),
            ends,
        })
    }

    /// Field `i`, if the row has it.
    fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = i.checked_sub(1).map_or(0, |p| self.ends[p]);
        self.text.get(start..end)
    }
}

/// Field `i` of `fields`, trimmed (FEBRL's values carry leading spaces); empty when there is
/// no such field.
fn field(fields: &Fields, i: usize) -> &str {
    crate::util::trim(fields.get(i).unwrap_or(""))
}

impl CsvSchema {
    /// Each column's header and the kind it was mapped to.
    pub fn columns(&self) -> impl Iterator<Item = (&str, &ColumnKind)> {
        self.headers.iter().map(String::as_str).zip(&self.kinds)
    }

    fn column_name(&self, i: usize) -> String {
        self.headers.get(i).cloned().unwrap_or_default()
    }

    /// The row's source: its source column's value, else the default.
    fn source<'a>(&'a self, fields: &'a Fields) -> &'a str {
        self.source_column
            .map(|i| field(fields, i))
            .filter(|s| !s.is_empty())
            .unwrap_or(&self.default_source)
    }

    /// The record a checked row holds. Every value is trimmed, and empty values are left
    /// out; a row checked against another schema gives a record of whatever of its fields
    /// this one's columns find, never a panic.
    pub fn record(&self, row: CsvRow) -> SourceRecord {
        let fields = &row.fields;
        let mut record = SourceRecord {
            source: SourceSystem::from(self.source(fields)),
            key: RecordKey::from(field(fields, self.key_column)),
            observed_at: row.observed_at,
            ..SourceRecord::default()
        };
        let mut name = PersonName::default();
        let mut address = PostalAddress::default();
        let mut street_number: Option<String> = None;
        let mut issuer: Option<String> = None;
        for (i, (header, kind)) in self.headers.iter().zip(&self.kinds).enumerate() {
            let value = field(fields, i);
            if value.is_empty() {
                continue;
            }
            let owned = || Some(value.to_owned());
            match kind {
                // Read when the row was checked.
                ColumnKind::RecordId | ColumnKind::Source | ColumnKind::ObservedAt => {}
                ColumnKind::GivenName => name.given = owned(),
                ColumnKind::MiddleName => name.middle = owned(),
                ColumnKind::FamilyName => name.family = owned(),
                ColumnKind::FullName => name.full = owned(),
                ColumnKind::NamePrefix => name.prefix = owned(),
                ColumnKind::NameSuffix => name.suffix = owned(),
                ColumnKind::Email => record.identity.emails.push(Email::new(value)),
                ColumnKind::Phone | ColumnKind::Mobile | ColumnKind::Landline => {
                    let kind = match kind {
                        ColumnKind::Mobile => PhoneKind::Mobile,
                        ColumnKind::Landline => PhoneKind::Landline,
                        _ => PhoneKind::Unspecified,
                    };
                    record.identity.phones.push(Phone {
                        number: value.to_owned(),
                        kind,
                        region: None,
                    });
                }
                ColumnKind::BirthDate => record.identity.birth_date = owned(),
                ColumnKind::Gender => record.identity.gender = owned(),
                ColumnKind::StreetNumber => street_number = owned(),
                ColumnKind::AddressLine => address.lines.push(value.to_owned()),
                ColumnKind::Locality => address.locality = owned(),
                ColumnKind::Region => address.region = owned(),
                ColumnKind::Postcode => address.postcode = owned(),
                ColumnKind::Country => address.country = owned(),
                ColumnKind::Identifier(kind) => record
                    .identity
                    .identifiers
                    .push(Identifier::new(kind.clone(), value)),
                ColumnKind::IdentifierIssuer => issuer = owned(),
                ColumnKind::Custom => {
                    record.custom.insert(header.clone(), value.to_owned());
                }
                ColumnKind::Ignore => {}
            }
        }
        if let Some(issuer) = issuer {
            for id in record.identity.identifiers.iter_mut().filter(|i| {
                matches!(
                    i.kind,
                    IdentifierKind::NationalId | IdentifierKind::Passport | IdentifierKind::TaxId
                )
            }) {
                id.issuer = Some(issuer.clone());
            }
        }
        if let Some(number) = street_number {
            match address.lines.first_mut() {
                Some(first) => *first = format!("{number} {first}"),
                None => address.lines.push(number),
            }
        }
        if !name.is_empty() {
            record.identity.names.push(name);
        }
        if !address.is_empty() {
            record.identity.addresses.push(address);
        }
        record
    }
}

fn parse_timestamp(value: &str) -> Option<DateTime<Utc>> {
    // Most exports write a bare `YYYY-MM-DD`: read it directly, without trying each format
    // through chrono's format-string parser first.
    if let Some(date) = iso_date(value) {
        return date.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(value) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(value, "%Y-%m-%d %H:%M:%S") {
        return Some(t.and_utc());
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// `YYYY-MM-DD` exactly (four, two and two ASCII digits), when it names a real day.
fn iso_date(value: &str) -> Option<NaiveDate> {
    let b = value.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let year = i32::try_from(number(&b[..4])?).ok()?;
    NaiveDate::from_ymd_opt(year, number(&b[5..7])?, number(&b[8..10])?)
}

impl<R: Read> Iterator for CsvRows<R> {
    type Item = Result<CsvRow, CsvError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.reader.read_byte_record(&mut self.row) {
                Ok(false) => return None,
                Ok(true) => {
                    let line = self.row.position().map_or(0, csv::Position::line);
                    // Blank lines carry nothing; skip them rather than report a ragged row.
                    if self.row.len() == 1 && self.row[0].iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    return Some(self.check(line));
                }
                Err(e) => return Some(Err(CsvError::Read(e))),
            }
        }
    }
}

impl<R: Read> Iterator for CsvRecords<R> {
    type Item = Result<SourceRecord, CsvError>;

    fn next(&mut self) -> Option<Self::Item> {
        let row = self.rows.next()?;
        Some(row.map(|row| self.rows.schema.record(row)))
    }
}
