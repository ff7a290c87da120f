//! Synthetic multi-source customer data with a known truth, for testing and benchmarking
//! identity resolution.
//!
//! ```text
//! cargo run --release --example generate -- --records N [--seed S] [--output DIR]
//!     [--persian-share P] [--households-share P] [--single-record-share P]
//!     [--movers-share P] [--surname-change-share P] [--junior-share P] [--twins-share P]
//!     [--common-names-share P] [--placeholder-share P] [--noise X] [--shuffle-window N]
//!     [--stats]
//! ```
//!
//! Writes `DIR/customers.csv` (one row per record, in the column layout the `resolve` example
//! reads) and `DIR/truth.csv` (`record_id,person_id`, one row per record); `DIR` defaults to
//! `target/generated`. A population of invented persons is drawn (several cultures, households,
//! twins, fathers and sons, movers, marriages), each person gets one or more records in the
//! CRM, web shop, call centre, point of sale and support desk, and every record is written the
//! way its source writes it, with the typos, nicknames, formats and gaps real data has.
//! `examples/data/generator.md` describes what is produced and every knob.
//!
//! Output is a pure function of the arguments: the same `--records`, `--seed` and knobs give
//! byte-identical files on every platform. Randomness comes from SplitMix64 written out below,
//! and no floating-point function whose result may differ between platforms is used.
//! Rows are streamed to buffered writers; only one household and a shuffling window of rows
//! are held in memory, plus one 64-bit fingerprint per personal e-mail address (to keep them
//! unique), about 16 bytes per person.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use chrono::{Datelike, NaiveDate};
use customer360::normalize::PartialDate;

// =============================================================================================
// Command line
// =============================================================================================

const USAGE: &str = "usage: generate --records N [--seed S] [--output DIR] [--persian-share P] \
[--households-share P] [--single-record-share P] [--movers-share P] [--surname-change-share P] \
[--junior-share P] [--twins-share P] [--common-names-share P] [--placeholder-share P] \
[--noise X] [--shuffle-window N] [--stats]
  see examples/data/generator.md for what each knob does";

/// The most records one run writes.
const MAX_RECORDS: u64 = 100_000_000;

/// The largest shuffling window.
const MAX_WINDOW: u64 = 10_000_000;

/// Everything that decides the output.
#[derive(Debug, Clone, PartialEq)]
struct Config {
    /// Records to write.
    records: u64,
    /// Seed of every random choice.
    seed: u64,
    /// Directory for `customers.csv` and `truth.csv`.
    output: PathBuf,
    /// Share of persons of Persian culture.
    persian_share: f64,
    /// Share of persons who live in a household of two to five.
    households_share: f64,
    /// Share of persons with exactly one record.
    single_record_share: f64,
    /// Share of persons (with two or more records) who move house between records.
    movers_share: f64,
    /// Share of women (English or German, two or more records) whose surname changes on
    /// marriage between records.
    surname_change_share: f64,
    /// Share of households with children where a son is named after his father (Jr./Sr.).
    junior_share: f64,
    /// Share of households with two or more children that have twins.
    twins_share: f64,
    /// Share of persons given one of a few very common full names.
    common_names_share: f64,
    /// Share of records carrying one placeholder value.
    placeholder_share: f64,
    /// Multiplier on every corruption rate (typos, nicknames, swaps, missing values).
    noise: f64,
    /// Rows held and emitted in random order; 0 writes persons' records together.
    shuffle_window: usize,
    /// Print a breakdown of what was generated.
    stats: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            records: 0,
            seed: 1,
            output: PathBuf::from("target/generated"),
            persian_share: 0.15,
            households_share: 0.30,
            single_record_share: 0.45,
            movers_share: 0.15,
            surname_change_share: 0.15,
            junior_share: 0.15,
            twins_share: 0.12,
            common_names_share: 0.01,
            placeholder_share: 0.01,
            noise: 1.0,
            shuffle_window: 100_000,
            stats: false,
        }
    }
}

/// Read the arguments: `Ok(None)` when help was asked for.
fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Option<Config>, String> {
    let mut c = Config::default();
    let mut records = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg, None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--records" | "-n" => records = Some(parse_count(&flag, &value()?, 1, MAX_RECORDS)?),
            "--seed" => c.seed = parse_count(&flag, &value()?, 0, u64::MAX)?,
            "--output" | "-o" => {
                let v = value()?;
                if v.trim().is_empty() {
                    return Err("--output needs a directory name".to_owned());
                }
                c.output = PathBuf::from(v);
            }
            "--persian-share" => c.persian_share = parse_share(&flag, &value()?)?,
            "--households-share" => c.households_share = parse_share(&flag, &value()?)?,
            "--single-record-share" => c.single_record_share = parse_share(&flag, &value()?)?,
            "--movers-share" => c.movers_share = parse_share(&flag, &value()?)?,
            "--surname-change-share" => c.surname_change_share = parse_share(&flag, &value()?)?,
            "--junior-share" => c.junior_share = parse_share(&flag, &value()?)?,
            "--twins-share" => c.twins_share = parse_share(&flag, &value()?)?,
            "--common-names-share" => c.common_names_share = parse_share(&flag, &value()?)?,
            "--placeholder-share" => c.placeholder_share = parse_share(&flag, &value()?)?,
            "--noise" => c.noise = parse_number(&flag, &value()?, 0.0, 5.0)?,
            "--shuffle-window" => {
                c.shuffle_window =
                    usize::try_from(parse_count(&flag, &value()?, 0, MAX_WINDOW)?)
                        .map_err(|_| "--shuffle-window is too large for this machine".to_owned())?;
            }
            "--stats" => {
                if inline.is_some() {
                    return Err(format!("--stats takes no value\n{USAGE}"));
                }
                c.stats = true;
            }
            "--help" | "-h" => return Ok(None),
            other if other.starts_with('-') => {
                return Err(format!("unknown option {other}\n{USAGE}"))
            }
            other => return Err(format!("unexpected argument {other:?}\n{USAGE}")),
        }
    }
    c.records = records.ok_or_else(|| format!("--records N is required\n{USAGE}"))?;
    Ok(Some(c))
}

/// A whole number in `min..=max`; `_` separators are allowed (`1_000_000`).
fn parse_count(flag: &str, v: &str, min: u64, max: u64) -> Result<u64, String> {
    let digits: String = v.trim().chars().filter(|&c| c != '_').collect();
    match digits.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!(
            "{flag} takes a whole number from {min} to {max}, not {v:?}"
        )),
    }
}

/// A number in `min..=max`.
fn parse_number(flag: &str, v: &str, min: f64, max: f64) -> Result<f64, String> {
    match v.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && (min..=max).contains(&x) => Ok(x),
        _ => Err(format!(
            "{flag} takes a number from {min} to {max}, not {v:?}"
        )),
    }
}

/// A share from 0 to 1.
fn parse_share(flag: &str, v: &str) -> Result<f64, String> {
    parse_number(flag, v, 0.0, 1.0)
        .map_err(|_| format!("{flag} takes a share from 0 to 1 (such as 0.15), not {v:?}"))
}

fn main() -> ExitCode {
    match parse_args(std::env::args().skip(1)) {
        Ok(None) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Ok(Some(config)) => match run(&config) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("generate: {message}");
                ExitCode::FAILURE
            }
        },
        Err(message) => {
            eprintln!("generate: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(config: &Config) -> Result<(), String> {
    let start = Instant::now();
    let dir = &config.output;
    if dir.exists() && !dir.is_dir() {
        return Err(format!(
            "--output {} is a file; give a directory for customers.csv and truth.csv",
            dir.display()
        ));
    }
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let open = |name: &str| -> Result<(PathBuf, BufWriter<File>), String> {
        let path = dir.join(name);
        let file =
            File::create(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        Ok((path, BufWriter::with_capacity(1 << 20, file)))
    };
    let (customers_path, customers) = open("customers.csv")?;
    let (truth_path, truth) = open("truth.csv")?;
    let stats = generate(config, customers, truth)
        .map_err(|e| format!("cannot write to {}: {e}", dir.display()))?;
    eprintln!(
        "generate: {} records of {} persons (seed {}) written to {} and {} in {:.2?}",
        stats.records,
        stats.persons,
        config.seed,
        display(&customers_path),
        display(&truth_path),
        start.elapsed()
    );
    if config.stats {
        eprint!("{}", stats.report());
    }
    Ok(())
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

/// Generate `config.records` records into the two writers, flushing them at the end.
fn generate<W: Write>(config: &Config, customers: W, truth: W) -> io::Result<Stats> {
    let names = Names::new();
    let mut g = Generator::new(config, &names);
    let mut out = Output::new(customers, truth, config.shuffle_window, g.derive_rng(7));
    out.write_headers()?;
    let mut rows = Rows::default();
    while g.stats.records < config.records {
        let group = g.group();
        let mut emitted_members = 0;
        for person in &group.members {
            if g.stats.records >= config.records {
                break;
            }
            if g.emit(person, &mut rows, &mut out)? > 0 {
                emitted_members += 1;
            }
        }
        if group.is_household && emitted_members >= 2 {
            g.stats.households += 1;
        }
    }
    out.finish()?;
    Ok(g.stats)
}

// =============================================================================================
// Randomness
// =============================================================================================

/// SplitMix64 (Steele, Lea and Flood, 2014): tiny, fast, and fixed by its algorithm, so the
/// output never changes with a dependency upgrade or a platform.
#[derive(Debug, Clone)]
struct Rng {
    state: u64,
}

/// The SplitMix64 output function: a bijection on `u64` that mixes every bit.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    fn new(seed: u64) -> Self {
        Rng { state: seed }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.state)
    }

    /// A number in `0..n` (0 when `n` is 0), by Lemire's multiply-shift.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// An index in `0..n` (0 when `n` is 0).
    fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: i32, hi: i32) -> i32 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo) as u64 + 1) as i32
    }

    /// True with probability `p` (clamped to 0..=1).
    fn chance(&mut self, p: f64) -> bool {
        const SCALE: f64 = 1.0 / (1u64 << 53) as f64;
        ((self.next_u64() >> 11) as f64) * SCALE < p
    }

    /// One item of a non-empty slice (the first of an empty one is never asked for; the
    /// tables below are all non-empty, which a test checks).
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// An index drawn with the given weights.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        self.weighted_by(weights, |&w| w)
    }

    /// An index of `items` drawn with the weights `weight` gives them.
    fn weighted_by<T>(&mut self, items: &[T], weight: impl Fn(&T) -> u32) -> usize {
        let total: u64 = items.iter().map(|x| u64::from(weight(x))).sum();
        let mut r = self.below(total);
        for (i, x) in items.iter().enumerate() {
            let w = u64::from(weight(x));
            if r < w {
                return i;
            }
            r -= w;
        }
        items.len().saturating_sub(1)
    }

    /// An index in `0..n` where index r has weight 1 / (r + offset): a Zipf-like draw for short
    /// lists ordered from common to rare.
    fn zipf(&mut self, n: usize, offset: u32) -> usize {
        let weight = |r: usize| 10_000 / (r as u32 + offset.max(1));
        let total: u64 = (0..n).map(|r| u64::from(weight(r))).sum();
        let mut x = self.below(total);
        for r in 0..n {
            let w = u64::from(weight(r));
            if x < w {
                return r;
            }
            x -= w;
        }
        n.saturating_sub(1)
    }
}

/// A keyed pseudo-random permutation of `0..size`: a four-round Feistel network on the smallest
/// even number of bits that holds `size`, walked until it lands inside the range. It hands out
/// unique record IDs, phone numbers and national IDs without remembering the ones given.
#[derive(Debug, Clone)]
struct Permutation {
    size: u64,
    half_bits: u32,
    keys: [u64; 4],
}

impl Permutation {
    fn new(size: u64, rng: &mut Rng) -> Self {
        let size = size.max(1);
        let bits = 64 - (size - 1).leading_zeros();
        let half_bits = bits.div_ceil(2).clamp(1, 31);
        Permutation {
            size,
            half_bits,
            keys: [
                rng.next_u64(),
                rng.next_u64(),
                rng.next_u64(),
                rng.next_u64(),
            ],
        }
    }

    /// The image of `x` (taken modulo the size).
    fn apply(&self, x: u64) -> u64 {
        let mut x = x % self.size;
        loop {
            x = self.feistel(x);
            if x < self.size {
                return x;
            }
        }
    }

    fn feistel(&self, x: u64) -> u64 {
        let mask = (1u64 << self.half_bits) - 1;
        let (mut left, mut right) = (x >> self.half_bits, x & mask);
        for key in self.keys {
            let f = mix64(right ^ key) & mask;
            (left, right) = (right, left ^ f);
        }
        (left << self.half_bits) | right
    }
}

/// FNV-1a, for e-mail fingerprints.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

// =============================================================================================
// Reference data
// =============================================================================================

/// Given names: `(spellings, nicknames)`, most frequent first. Spellings are separated by `|`,
/// the usual one first (`José|Jose`); nicknames by spaces.
type LatinNames = &'static [(&'static str, &'static str)];

/// Persian names: `(Persian script, Latin spellings, nicknames)`. In the script, `~` is a
/// zero-width non-joiner that some records write as a space or leave out (`علی‌زاده`), and `|`
/// joins two names that some records write apart (`محمدرضا`).
type PersianNames = &'static [(&'static str, &'static str, &'static str)];

#[rustfmt::skip]
const ENGLISH_MALE: LatinNames = &[
    ("James", "Jim Jimmy Jamie"), ("Robert", "Bob Rob Bobby Robbie"), ("John", "Johnny Jack"),
    ("Michael", "Mike Mikey Mick"), ("David", "Dave Davy"), ("William", "Bill Will Billy Liam"),
    ("Richard", "Rick Dick Rich Richie"), ("Joseph", "Joe Joey"), ("Thomas", "Tom Tommy"),
    ("Christopher", "Chris Topher"), ("Charles", "Charlie Chuck"), ("Daniel", "Dan Danny"),
    ("Matthew", "Matt"), ("Anthony", "Tony"), ("Mark", ""), ("Donald", "Don Donnie"),
    ("Steven", "Steve"), ("Andrew", "Andy Drew"), ("Paul", ""), ("Joshua", "Josh"),
    ("Kenneth", "Ken Kenny"), ("Kevin", ""), ("Brian", ""), ("George", ""),
    ("Timothy", "Tim Timmy"), ("Ronald", "Ron Ronnie"), ("Edward", "Ed Eddie Ted Ned"),
    ("Jason", ""), ("Jeffrey", "Jeff"), ("Ryan", ""), ("Jacob", "Jake"), ("Gary", ""),
    ("Nicholas", "Nick Nicky"), ("Eric", ""), ("Jonathan", "Jon Jonny"), ("Stephen", "Steve"),
    ("Larry", ""), ("Justin", ""), ("Scott", ""), ("Brandon", ""), ("Benjamin", "Ben Benny"),
    ("Samuel", "Sam Sammy"), ("Gregory", "Greg"), ("Alexander", "Alex Sasha Xander"), ("Frank", ""),
    ("Patrick", "Pat Paddy"), ("Raymond", "Ray"), ("Jack", ""), ("Dennis", ""), ("Jerry", ""),
    ("Tyler", ""), ("Aaron", ""), ("Henry", "Hank Harry"), ("Peter", "Pete"), ("Douglas", "Doug"),
    ("Nathan", "Nate"), ("Zachary", "Zach Zack"), ("Walter", "Walt Wally"), ("Kyle", ""),
    ("Harold", "Hal Harry"), ("Carl", ""), ("Jeremy", "Jerry"), ("Keith", ""), ("Roger", ""),
    ("Gerald", "Gerry Jerry"), ("Ethan", ""), ("Arthur", "Art Artie"), ("Terry", ""),
    ("Christian", "Chris"), ("Sean", ""), ("Lawrence", "Larry"), ("Austin", ""), ("Noah", ""),
    ("Jesse", ""), ("Albert", "Al Bert"), ("Bryan", ""), ("Bruce", ""), ("Jordan", ""),
    ("Dylan", ""), ("Alan", "Al"), ("Ralph", ""), ("Gabriel", "Gabe"), ("Roy", ""), ("Wayne", ""),
    ("Eugene", "Gene"), ("Logan", ""), ("Randy", ""), ("Louis", "Lou"), ("Russell", "Russ"),
    ("Vincent", "Vince Vinny"), ("Philip", "Phil"), ("Bradley", "Brad"), ("Oliver", "Ollie"),
    ("Liam", ""), ("Frederick", "Fred Freddie"), ("Theodore", "Ted Teddy Theo"),
    ("Leonard", "Len Lenny Leo"), ("Francis", "Frank"), ("Stanley", "Stan"), ("Howard", ""),
    ("Martin", "Marty"), ("Calvin", "Cal"), ("Mitchell", "Mitch"), ("Harrison", ""),
    ("Isaac", "Ike"), ("Owen", ""), ("Connor", ""), ("Lucas", "Luke"), ("Mason", ""),
];

#[rustfmt::skip]
const ENGLISH_FEMALE: LatinNames = &[
    ("Mary", "Molly Polly Mae"), ("Patricia", "Pat Patty Trish Tricia"), ("Jennifer", "Jen Jenny"),
    ("Linda", ""), ("Elizabeth", "Liz Beth Betty Lizzie Eliza"), ("Barbara", "Barb Babs"),
    ("Susan", "Sue Susie"), ("Jessica", "Jess Jessie"), ("Sarah", ""), ("Karen", ""), ("Lisa", ""),
    ("Nancy", ""), ("Betty", ""), ("Margaret", "Peggy Maggie Meg Marge"), ("Sandra", "Sandy"),
    ("Ashley", ""), ("Kimberly", "Kim"), ("Emily", "Em Emmy"), ("Donna", ""),
    ("Michelle", "Shelly"), ("Carol", ""), ("Amanda", "Mandy"), ("Dorothy", "Dot Dottie"),
    ("Melissa", "Mel Missy"), ("Deborah", "Debbie Deb"), ("Stephanie", "Steph"),
    ("Rebecca", "Becky Becca"), ("Sharon", ""), ("Laura", ""), ("Cynthia", "Cindy"),
    ("Kathleen", "Kathy"), ("Amy", ""), ("Angela", "Angie"), ("Shirley", ""), ("Anna", ""),
    ("Brenda", ""), ("Pamela", "Pam"), ("Emma", ""), ("Nicole", "Nikki"), ("Helen", "Nell"),
    ("Samantha", "Sam Sammy"), ("Katherine", "Kate Katie Kathy Kat"),
    ("Christine", "Chris Chrissy"), ("Debra", "Debbie"), ("Rachel", ""), ("Carolyn", "Carrie"),
    ("Janet", "Jan"), ("Catherine", "Cathy Kate Cat"), ("Maria", ""), ("Heather", ""),
    ("Diane", ""), ("Ruth", "Ruthie"), ("Julie", ""), ("Olivia", "Liv Livvy"), ("Joyce", ""),
    ("Virginia", "Ginny"), ("Victoria", "Vicky Tori"), ("Kelly", ""), ("Lauren", ""),
    ("Christina", "Tina Chris"), ("Joan", ""), ("Evelyn", "Evie"), ("Judith", "Judy"),
    ("Megan", "Meg"), ("Andrea", ""), ("Cheryl", ""), ("Hannah", ""), ("Jacqueline", "Jackie"),
    ("Martha", "Mattie"), ("Gloria", ""), ("Teresa", "Terri Tess"), ("Ann", "Annie"), ("Sara", ""),
    ("Madison", "Maddie"), ("Frances", "Fran Frannie"), ("Kathryn", "Kate Kathy"), ("Janice", ""),
    ("Jean", ""), ("Abigail", "Abby Gail"), ("Alice", "Ally"), ("Sophia", "Sophie"),
    ("Grace", "Gracie"), ("Denise", ""), ("Amber", ""), ("Doris", ""), ("Marilyn", ""),
    ("Danielle", "Dani"), ("Beverly", "Bev"), ("Isabella", "Bella Izzy"), ("Theresa", "Terri Tess"),
    ("Diana", "Di"), ("Natalie", "Nat"), ("Charlotte", "Lottie Charlie"), ("Marie", ""),
    ("Alexandra", "Alex Sasha Lexi"), ("Jane", "Janie"), ("Lucy", ""), ("Eleanor", "Ellie Nell"),
    ("Caroline", "Carrie"), ("Louise", "Lou"), ("Harriet", "Hattie"), ("Gwendolyn", "Gwen"),
];

#[rustfmt::skip]
const ENGLISH_FAMILY: &[&str] = &[
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
    "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris", "Clark",
    "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Hill", "Green",
    "Adams", "Baker", "Nelson", "Carter", "Mitchell", "Roberts", "Turner", "Phillips", "Campbell",
    "Parker", "Evans", "Edwards", "Collins", "Stewart", "Morris", "Murphy", "Cook", "Rogers",
    "Morgan", "Cooper", "Peterson", "Reed", "Bailey", "Bell", "Kelly", "Howard", "Ward", "Cox",
    "Richardson", "Wood", "Watson", "Brooks", "Bennett", "Gray", "James", "Hughes", "Price",
    "Sanders", "Myers", "Long", "Ross", "Foster", "Powell", "Jenkins", "Perry", "Russell",
    "Sullivan", "Butler", "Barnes", "Fisher", "Henderson", "Coleman", "Simmons", "Patterson",
    "Jordan", "Reynolds", "Hamilton", "Graham", "Wallace", "Cole", "West", "Stone", "Hayes",
    "Gibson", "Ellis", "Murray", "Ford", "Marshall", "Owens", "McDonald", "Harrison", "Kennedy",
    "Wells", "Hunt", "Palmer", "Black", "Robertson", "Mason", "Dixon", "Hunter", "Hart", "Knight",
    "Holmes", "Rice", "Porter", "Hudson", "Spencer", "Webb", "Lane", "Fox", "Walsh",
    "O'Brien|OBrien|O Brien", "Davies", "Hall", "Clarke", "Patel", "Shaw", "Lloyd", "Chapman",
    "Harvey", "Mills", "Pearson", "Barker", "Burton", "Hopkins", "Dunn", "Kerr", "Fleming",
    "O'Connor|OConnor", "Byrne", "MacDonald", "Fraser", "Sutherland", "Quinn", "Gordon", "Weaver",
    "Lawson", "Fletcher", "Chambers", "Hawkins",
];

#[rustfmt::skip]
const SPANISH_MALE: LatinNames = &[
    ("José|Jose", "Pepe"), ("Juan", "Juanito"), ("Luis", "Lucho"), ("Carlos", "Carlitos"),
    ("Jorge", ""), ("Miguel", ""), ("Antonio", "Toño Tony"), ("Francisco", "Paco Pancho Cisco"),
    ("Manuel", "Manolo Manny"), ("Pedro", ""), ("Alejandro", "Alex Ale"), ("Javier", "Javi"),
    ("Fernando", "Nando"), ("Ricardo", "Ricky"), ("Rafael", "Rafa"), ("Daniel", "Dani"),
    ("Diego", ""), ("Sergio", "Checo"), ("Pablo", ""), ("Eduardo", "Lalo"), ("Roberto", "Beto"),
    ("Enrique", "Quique"), ("Jesús|Jesus", "Chuy"), ("Raúl|Raul", ""), ("Andrés|Andres", ""),
    ("Ramón|Ramon", "Moncho"), ("Martín|Martin", ""), ("Héctor|Hector", ""), ("Óscar|Oscar", ""),
    ("Adrián|Adrian", ""), ("Guillermo", "Memo"), ("Alberto", "Beto"), ("Ignacio", "Nacho"),
    ("Gonzalo", ""), ("Santiago", "Santi"), ("Mateo", ""), ("Emilio", ""), ("Felipe", ""),
    ("Joaquín|Joaquin", "Quino"), ("Rubén|Ruben", ""),
];

#[rustfmt::skip]
const SPANISH_FEMALE: LatinNames = &[
    ("María|Maria", ""), ("Ana", ""), ("Carmen", "Menchu"), ("Isabel", "Isa Chabela"),
    ("Laura", ""), ("Lucía|Lucia", ""), ("Sofía|Sofia", ""), ("Elena", ""), ("Rosa", ""),
    ("Guadalupe", "Lupe Lupita"), ("Patricia", "Paty"), ("Teresa", "Tere"), ("Marta", ""),
    ("Cristina", "Cris"), ("Dolores", "Lola Loli"), ("Juana", ""),
    ("Concepción|Concepcion", "Concha Conchita"), ("Mercedes", "Meche"), ("Pilar", "Pili"),
    ("Gabriela", "Gaby"), ("Adriana", ""), ("Verónica|Veronica", "Vero"), ("Alejandra", "Ale"),
    ("Daniela", "Dani"), ("Valentina", "Vale"), ("Camila", ""), ("Paula", ""), ("Raquel", ""),
    ("Beatriz", "Bea"), ("Silvia", ""), ("Natalia", "Nati"), ("Claudia", ""), ("Andrea", ""),
    ("Julia", ""), ("Irene", ""), ("Nuria", ""), ("Rocío|Rocio", ""), ("Inés|Ines", ""),
    ("Josefina", "Pepa Fina"), ("Francisca", "Paca Paquita"),
];

#[rustfmt::skip]
const SPANISH_FAMILY: &[&str] = &[
    "García|Garcia", "Rodríguez|Rodriguez", "Martínez|Martinez", "Hernández|Hernandez",
    "López|Lopez", "González|Gonzalez", "Pérez|Perez", "Sánchez|Sanchez", "Ramírez|Ramirez",
    "Torres", "Flores", "Rivera", "Gómez|Gomez", "Díaz|Diaz", "Cruz", "Morales", "Reyes",
    "Gutiérrez|Gutierrez", "Ortiz", "Ramos", "Castillo", "Jiménez|Jimenez", "Moreno", "Romero",
    "Álvarez|Alvarez", "Ruiz", "Mendoza", "Vargas", "Castro", "Chávez|Chavez", "Herrera", "Medina",
    "Aguilar", "Vásquez|Vasquez", "Fernández|Fernandez", "Guzmán|Guzman", "Muñoz|Munoz", "Rojas",
    "Ortega", "Delgado", "Salazar", "Soto", "Núñez|Nunez", "Vega", "Navarro", "Molina", "Silva",
    "Ríos|Rios", "Contreras", "Domínguez|Dominguez", "Guerrero", "Estrada", "Sandoval",
    "Cortés|Cortes", "Luna", "Campos", "Suárez|Suarez", "Iglesias", "Serrano", "Blanco",
    "Méndez|Mendez", "Cabrera", "Peña|Pena", "Fuentes", "Carrillo", "Acosta", "Márquez|Marquez",
    "Ibarra", "Santos",
];

#[rustfmt::skip]
const GERMAN_MALE: LatinNames = &[
    ("Peter", ""), ("Michael", "Michi"), ("Thomas", "Tom"), ("Andreas", "Andi"),
    ("Wolfgang", "Wolf"), ("Klaus", ""), ("Jürgen|Juergen|Jurgen", ""), ("Stefan", ""),
    ("Christian", "Chris"), ("Uwe", ""), ("Frank", ""), ("Werner", ""), ("Hans", "Hansi"),
    ("Bernd", ""), ("Markus|Marcus", ""), ("Matthias", "Matze"), ("Lukas|Lucas", ""), ("Jonas", ""),
    ("Felix", ""), ("Maximilian", "Max Maxi"), ("Alexander", "Alex Sascha"), ("Johannes", "Hannes"),
    ("Friedrich", "Fritz"), ("Wilhelm", "Willi"), ("Günter|Guenter|Gunter", ""), ("Dieter", ""),
    ("Helmut", ""), ("Karl|Carl", "Kalle"), ("Heinz", ""), ("Manfred", "Manni"),
    ("Jörg|Joerg|Jorg", ""), ("Dirk", ""), ("Sven", ""), ("Tobias", "Tobi"), ("Florian", "Flo"),
    ("Sebastian", "Basti"), ("Paul", ""), ("Leon", ""), ("Finn", ""), ("Niklas", "Nik"),
];

#[rustfmt::skip]
const GERMAN_FEMALE: LatinNames = &[
    ("Ursula", "Uschi"), ("Monika", ""), ("Petra", ""), ("Sabine", ""), ("Andrea", ""),
    ("Claudia", ""), ("Susanne", "Susi"), ("Gabriele", "Gabi"), ("Birgit", ""), ("Karin", ""),
    ("Anna", ""), ("Lena", ""), ("Lea", ""), ("Hannah", ""), ("Emma", ""),
    ("Katharina", "Kathi Katja"), ("Elisabeth", "Lisa Liesel Elli"), ("Christina", "Tina"),
    ("Julia", "Jule"), ("Sophie", ""), ("Franziska", "Franzi"), ("Renate", ""), ("Ingrid", ""),
    ("Heike", ""), ("Stefanie", "Steffi"), ("Nicole", ""), ("Martina", ""), ("Anja", ""),
    ("Jana", ""), ("Laura", ""), ("Marie", ""), ("Mia", ""), ("Johanna", "Hanna"),
    ("Charlotte", "Lotte"), ("Greta", ""),
];

#[rustfmt::skip]
const GERMAN_FAMILY: &[&str] = &[
    "Müller|Mueller|Muller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner",
    "Becker", "Schulz", "Hoffmann", "Schäfer|Schaefer|Schafer", "Koch", "Bauer", "Richter", "Klein",
    "Wolf", "Schröder|Schroeder|Schroder", "Neumann", "Schwarz", "Zimmermann", "Braun",
    "Krüger|Krueger|Kruger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz",
    "Krause", "Meier", "Lehmann", "Schmid", "Schulze", "Maier", "Köhler|Koehler|Kohler", "Herrmann",
    "König|Koenig|Konig", "Walter", "Mayer", "Huber", "Kaiser", "Fuchs", "Peters", "Lang", "Scholz",
    "Möller|Moeller|Moller", "Weiß|Weiss", "Jung", "Hahn", "Schubert", "Vogel", "Friedrich",
    "Keller", "Günther|Guenther|Gunther", "Frank", "Berger", "Winkler", "Roth", "Beck", "Lorenz",
    "Baumann", "Franke", "Albrecht", "Schuster", "Simon", "Ludwig", "Böhm|Boehm|Bohm", "Winter",
    "Kraus", "Schumacher", "Krämer|Kraemer|Kramer", "Vogt", "Stein", "Jäger|Jaeger|Jager", "Otto",
    "Sommer", "Groß|Gross", "Seidel", "Heinrich", "Brandt", "Haas",
];

#[rustfmt::skip]
const PERSIAN_MALE: PersianNames = &[
    ("محمد", "Mohammad|Mohammed|Muhammad|Mohamad|Mohamed", "Mamad"), ("علی", "Ali", ""),
    ("حسین", "Hossein|Hussein|Hosein|Hosseyn", ""), ("رضا", "Reza", ""),
    ("مهدی", "Mehdi|Mahdi", ""), ("محمد|رضا", "Mohammadreza|Mohammad Reza|Mohammad-Reza", ""),
    ("امیر", "Amir", ""), ("حسن", "Hassan|Hasan", ""),
    ("امیر|حسین", "Amirhossein|Amir Hossein|Amirhosein", ""),
    ("ابوالفضل", "Abolfazl|Abolfazel|Abulfazl", ""), ("مصطفی", "Mostafa|Mustafa", ""),
    ("علی|رضا", "Alireza|Ali Reza", ""), ("سعید", "Saeed|Saeid|Said", ""), ("مجید", "Majid", ""),
    ("حمید", "Hamid", ""), ("جواد", "Javad", ""), ("محسن", "Mohsen", ""),
    ("احمد", "Ahmad|Ahmed", ""), ("یوسف", "Yousef|Yusuf|Yousof", ""),
    ("داوود", "Davood|Davoud|Dawood", ""), ("کاظم", "Kazem|Kazim", ""),
    ("بهروز", "Behrouz|Behrooz", ""), ("فرهاد", "Farhad", ""), ("کامران", "Kamran", ""),
    ("آرش", "Arash", ""), ("بابک", "Babak", ""), ("سیاوش", "Siavash|Siavosh", ""),
    ("کوروش", "Kourosh|Koorosh|Kurosh", ""), ("داریوش", "Dariush|Darioush|Daryoush", ""),
    ("پویا", "Pouya|Pooya", ""), ("نیما", "Nima", ""), ("شهرام", "Shahram", ""),
    ("مهران", "Mehran", ""), ("ایمان", "Iman", ""), ("میلاد", "Milad", ""),
    ("پژمان", "Pejman|Pezhman", ""), ("مسعود", "Masoud|Masood|Massoud", ""), ("عباس", "Abbas", ""),
    ("اکبر", "Akbar", ""), ("بهزاد", "Behzad", ""),
];

#[rustfmt::skip]
const PERSIAN_FEMALE: PersianNames = &[
    ("فاطمه", "Fatemeh|Fatima|Fatemah|Fateme", ""), ("زهرا", "Zahra", ""),
    ("مریم", "Maryam|Mariam", ""), ("معصومه", "Masoumeh|Masumeh|Masoume", ""),
    ("زینب", "Zeinab|Zaynab|Zeynab", ""), ("سارا", "Sara|Sarah", ""), ("نرگس", "Narges", ""),
    ("لیلا", "Leila|Leyla|Layla", ""), ("مینا", "Mina", ""), ("شیرین", "Shirin", ""),
    ("نازنین", "Nazanin", ""), ("پریسا", "Parisa", ""), ("الهام", "Elham", ""),
    ("سمیرا", "Samira", ""), ("نگار", "Negar", ""), ("مهسا", "Mahsa", ""),
    ("فرزانه", "Farzaneh|Farzane", ""), ("سپیده", "Sepideh|Sepide", ""),
    ("آزاده", "Azadeh|Azade", ""), ("یاسمن", "Yasaman|Yasamin", ""),
    ("هانیه", "Haniyeh|Hanieh", ""), ("کبری", "Kobra", ""),
    ("نیلوفر", "Niloofar|Niloufar|Nilufar", ""), ("ریحانه", "Reyhaneh|Reihaneh", ""),
    ("ستاره", "Setareh", ""), ("مرضیه", "Marzieh|Marziyeh", ""), ("طاهره", "Tahereh|Tahere", ""),
    ("عاطفه", "Atefeh|Atefe", ""), ("مهناز", "Mahnaz", ""), ("شهرزاد", "Shahrzad", ""),
    ("پروین", "Parvin", ""), ("گلناز", "Golnaz", ""), ("کیمیا", "Kimia|Kimiya", ""),
    ("فرشته", "Fereshteh|Fereshte", ""), ("ژاله", "Zhaleh|Jaleh", ""),
];

#[rustfmt::skip]
const PERSIAN_FAMILY: PersianNames = &[
    ("محمدی", "Mohammadi|Mohammedi|Mohamadi", ""), ("حسینی", "Hosseini|Hoseini|Husseini", ""),
    ("احمدی", "Ahmadi", ""), ("رضایی", "Rezaei|Rezaie|Rezaee|Rezayi", ""), ("کریمی", "Karimi", ""),
    ("موسوی", "Mousavi|Moosavi|Musavi", ""), ("جعفری", "Jafari|Jafary|Ja'fari", ""),
    ("صادقی", "Sadeghi|Sadeqi", ""), ("رحیمی", "Rahimi", ""), ("قاسمی", "Ghasemi|Qasemi", ""),
    ("حیدری", "Heydari|Heidari|Haidari", ""), ("کاظمی", "Kazemi", ""),
    ("نوری", "Nouri|Noori|Nuri", ""), ("اکبری", "Akbari", ""), ("عباسی", "Abbasi", ""),
    ("میرزایی", "Mirzaei|Mirzaie|Mirzaee", ""), ("علی~زاده", "Alizadeh|Alizade", ""),
    ("حسن~زاده", "Hassanzadeh|Hasanzadeh", ""), ("طاهری", "Taheri", ""), ("یزدانی", "Yazdani", ""),
    ("خسروی", "Khosravi", ""), ("شریفی", "Sharifi", ""),
    ("سلیمانی", "Soleimani|Solaimani|Soleymani", ""), ("بهرامی", "Bahrami", ""),
    ("اسدی", "Asadi", ""), ("ملکی", "Maleki", ""), ("امیری", "Amiri", ""),
    ("قربانی", "Ghorbani|Qorbani", ""), ("رستمی", "Rostami", ""), ("نجفی", "Najafi", ""),
    ("فرهادی", "Farhadi", ""), ("تهرانی", "Tehrani", ""), ("نیک~پور", "Nikpour|Nikpur|Nikpoor", ""),
    ("کرمانی", "Kermani", ""), ("شیرازی", "Shirazi", ""), ("اصفهانی", "Esfahani|Isfahani", ""),
    ("زارعی", "Zarei|Zareie", ""), ("باقری", "Bagheri|Baqeri", ""),
    ("محمد~پور", "Mohammadpour|Mohammadpur", ""), ("جمالی", "Jamali", ""),
    ("حاجی~زاده", "Hajizadeh|Hajizade", ""), ("کیانی", "Kiani|Kiyani", ""), ("نظری", "Nazari", ""),
    ("افشار", "Afshar", ""), ("صالحی", "Salehi", ""), ("یوسفی", "Yousefi|Yusefi", ""),
    ("عزیزی", "Azizi", ""), ("شجاعی", "Shojaei|Shojaie", ""), ("مرادی", "Moradi", ""),
    ("کریم~خانی", "Karimkhani", ""), ("فروتن", "Foroutan|Forootan", ""), ("پاکزاد", "Pakzad", ""),
];

/// Very common full names, each shared by many unrelated persons: `(culture, sex, given,
/// family)`, by the names' first spelling (Persian names by their script).
#[rustfmt::skip]
const COMMON_NAMES: &[(Culture, Sex, &str, &str)] = &[
    (Culture::English, Sex::Male, "John", "Smith"),
    (Culture::English, Sex::Male, "Michael", "Johnson"),
    (Culture::English, Sex::Male, "James", "Williams"),
    (Culture::English, Sex::Male, "Robert", "Brown"),
    (Culture::English, Sex::Male, "David", "Jones"),
    (Culture::English, Sex::Female, "Mary", "Smith"),
    (Culture::English, Sex::Female, "Jennifer", "Johnson"),
    (Culture::Spanish, Sex::Female, "María|Maria", "García|Garcia"),
    (Culture::Spanish, Sex::Male, "José|Jose", "Rodríguez|Rodriguez"),
    (Culture::Spanish, Sex::Male, "Juan", "Hernández|Hernandez"),
    (Culture::Spanish, Sex::Female, "María|Maria", "López|Lopez"),
    (Culture::German, Sex::Male, "Thomas", "Müller|Mueller|Muller"),
    (Culture::German, Sex::Male, "Michael", "Schmidt"),
    (Culture::Persian, Sex::Male, "محمد", "احمدی"), (Culture::Persian, Sex::Male, "علی", "محمدی"),
    (Culture::Persian, Sex::Male, "محمد", "رضایی"),
    (Culture::Persian, Sex::Female, "فاطمه", "حسینی"),
    (Culture::Persian, Sex::Female, "زهرا", "احمدی"),
];

/// A city: `(names, Persian name, postal prefix)`. Names are `|`-separated, the usual one
/// first; the postal prefix is the ZIP's first three digits (US), the postcode areas (GB), the
/// first two digits (DE, ES, MX) or the first digit (IR).
type Cities = &'static [(&'static str, &'static str, &'static str)];

#[rustfmt::skip]
const US_CITIES: Cities = &[
    ("New York|New York City|NYC", "", "100"), ("Los Angeles", "", "900"), ("Chicago", "", "606"),
    ("Houston", "", "770"), ("Phoenix", "", "850"), ("Philadelphia", "", "191"),
    ("San Antonio", "", "782"), ("San Diego", "", "921"), ("Dallas", "", "752"),
    ("Austin", "", "787"), ("Jacksonville", "", "322"), ("San Jose", "", "951"),
    ("Fort Worth|Ft. Worth", "", "761"), ("Columbus", "", "432"), ("Charlotte", "", "282"),
    ("Indianapolis", "", "462"), ("San Francisco", "", "941"), ("Seattle", "", "981"),
    ("Denver", "", "802"), ("Washington|Washington DC", "", "200"), ("Boston", "", "021"),
    ("Nashville", "", "372"), ("Oklahoma City", "", "731"), ("El Paso", "", "799"),
    ("Portland", "", "972"), ("Las Vegas", "", "891"), ("Detroit", "", "482"),
    ("Memphis", "", "381"), ("Louisville", "", "402"), ("Baltimore", "", "212"),
    ("Milwaukee", "", "532"), ("Albuquerque", "", "871"), ("Tucson", "", "857"),
    ("Fresno", "", "937"), ("Sacramento", "", "958"), ("Kansas City", "", "641"),
    ("Atlanta", "", "303"), ("Omaha", "", "681"), ("Raleigh", "", "276"), ("Miami", "", "331"),
    ("Minneapolis", "", "554"), ("Tulsa", "", "741"), ("Cleveland", "", "441"),
    ("Wichita", "", "672"), ("New Orleans", "", "701"), ("Tampa", "", "336"),
    ("Pittsburgh", "", "152"), ("Cincinnati", "", "452"),
    ("St. Louis|Saint Louis|St Louis", "", "631"), ("Orlando", "", "328"), ("Buffalo", "", "142"),
    ("Madison", "", "537"), ("Springfield", "", "627"), ("Boise", "", "837"),
    ("Salt Lake City", "", "841"), ("Richmond", "", "232"), ("Des Moines", "", "503"),
    ("Spokane", "", "992"),
];

#[rustfmt::skip]
const GB_CITIES: Cities = &[
    ("London", "", "SW SE N E NW W EC WC"), ("Manchester", "", "M"), ("Birmingham", "", "B"),
    ("Leeds", "", "LS"), ("Glasgow", "", "G"), ("Liverpool", "", "L"), ("Bristol", "", "BS"),
    ("Sheffield", "", "S"), ("Edinburgh", "", "EH"), ("Cardiff", "", "CF"), ("Leicester", "", "LE"),
    ("Nottingham", "", "NG"), ("Newcastle upon Tyne|Newcastle", "", "NE"), ("Brighton", "", "BN"),
    ("Oxford", "", "OX"), ("Cambridge", "", "CB"), ("York", "", "YO"), ("Belfast", "", "BT"),
];

#[rustfmt::skip]
const IR_CITIES: Cities = &[
    ("Tehran|Teheran", "تهران", "1"), ("Mashhad|Mashad", "مشهد", "9"),
    ("Isfahan|Esfahan", "اصفهان", "8"), ("Karaj", "کرج", "3"), ("Shiraz", "شیراز", "7"),
    ("Tabriz", "تبریز", "5"), ("Qom|Ghom", "قم", "3"), ("Ahvaz|Ahwaz", "اهواز", "6"),
    ("Kermanshah", "کرمانشاه", "6"), ("Rasht", "رشت", "4"),
];

#[rustfmt::skip]
const DE_CITIES: Cities = &[
    ("Berlin", "", "10 12 13"), ("Hamburg", "", "20 21 22"),
    ("München|Munich|Muenchen", "", "80 81"), ("Köln|Koeln|Cologne", "", "50 51"),
    ("Frankfurt am Main|Frankfurt", "", "60"), ("Stuttgart", "", "70"),
    ("Düsseldorf|Duesseldorf", "", "40"), ("Leipzig", "", "04"), ("Dortmund", "", "44"),
    ("Essen", "", "45"), ("Bremen", "", "28"), ("Dresden", "", "01"),
    ("Hannover|Hanover", "", "30"), ("Nürnberg|Nuernberg|Nuremberg", "", "90"),
];

#[rustfmt::skip]
const ES_CITIES: Cities = &[
    ("Madrid", "", "28"), ("Barcelona", "", "08"), ("Valencia", "", "46"),
    ("Sevilla|Seville", "", "41"), ("Zaragoza", "", "50"), ("Málaga|Malaga", "", "29"),
    ("Murcia", "", "30"), ("Palma", "", "07"), ("Bilbao", "", "48"), ("Alicante", "", "03"),
];

#[rustfmt::skip]
const MX_CITIES: Cities = &[
    ("Ciudad de México|CDMX|Mexico City", "", "01 03 06 11"), ("Guadalajara", "", "44"),
    ("Monterrey", "", "64"), ("Puebla", "", "72"), ("Tijuana", "", "22"), ("León|Leon", "", "37"),
    ("Querétaro|Queretaro", "", "76"), ("Mérida|Merida", "", "97"),
];

/// Street names: `(Latin spellings, Persian name)`.
type Streets = &'static [(&'static str, &'static str)];

#[rustfmt::skip]
const US_STREETS: Streets = &[
    ("Main", ""), ("Oak", ""), ("Pine", ""), ("Maple", ""), ("Cedar", ""), ("Elm", ""),
    ("Washington", ""), ("Lake", ""), ("Hill", ""), ("Park", ""), ("Walnut", ""), ("Sunset", ""),
    ("Lincoln", ""), ("Jackson", ""), ("Church", ""), ("River", ""), ("Highland", ""),
    ("Center", ""), ("Mill", ""), ("Willow", ""), ("Spring", ""), ("Franklin", ""),
    ("Jefferson", ""), ("Madison", ""), ("Ridge", ""), ("Chestnut", ""), ("Forest", ""),
    ("Meadow", ""), ("Lakeview", ""), ("Cherry", ""), ("Adams", ""), ("Hickory", ""), ("Birch", ""),
    ("Dogwood", ""), ("Magnolia", ""), ("Sycamore", ""), ("Valley", ""), ("Prospect", ""),
    ("Broad", ""), ("Market", ""), ("Union", ""), ("Summit", ""), ("Woodland", ""), ("Water", ""),
    ("Front", ""), ("Spruce", ""), ("Locust", ""), ("Poplar", ""), ("Grant", ""), ("Monroe", ""),
    ("2nd|Second", ""), ("3rd|Third", ""), ("4th|Fourth", ""), ("5th|Fifth", ""), ("1st|First", ""),
];

#[rustfmt::skip]
const GB_STREETS: Streets = &[
    ("High", ""), ("Station", ""), ("Church", ""), ("Victoria", ""), ("Green", ""), ("Manor", ""),
    ("Park", ""), ("Queens", ""), ("New", ""), ("Grange", ""), ("Kings", ""), ("Mill", ""),
    ("London", ""), ("Albert", ""), ("Windsor", ""), ("Alexandra", ""), ("York", ""),
    ("George", ""), ("Springfield", ""), ("Highfield", ""), ("Chapel", ""), ("Stanley", ""),
    ("Richmond", ""), ("Orchard", ""), ("Brook", ""), ("Beech", ""),
];

#[rustfmt::skip]
const DE_STREETS: Streets = &[
    ("Haupt", ""), ("Schul", ""), ("Garten", ""), ("Bahnhof", ""), ("Dorf", ""), ("Berg", ""),
    ("Kirch", ""), ("Wald", ""), ("Linden", ""), ("Goethe", ""), ("Schiller", ""), ("Mozart", ""),
    ("Birken", ""), ("Buchen", ""), ("Feld", ""), ("Wiesen", ""), ("Sonnen", ""), ("Rosen", ""),
    ("Mühlen|Muehlen", ""), ("Friedrich", ""),
];

#[rustfmt::skip]
const ES_STREETS: Streets = &[
    ("Mayor", ""), ("Real", ""), ("Gran Vía|Gran Via", ""), ("del Sol", ""), ("de la Paz", ""),
    ("San Juan", ""), ("Alcalá|Alcala", ""), ("Serrano", ""), ("Toledo", ""),
    ("Velázquez|Velazquez", ""), ("de Goya", ""), ("de la Constitución|de la Constitucion", ""),
    ("Colón|Colon", ""), ("Princesa", ""),
];

#[rustfmt::skip]
const MX_STREETS: Streets = &[
    ("Insurgentes Sur", ""), ("Reforma", ""), ("Juárez|Juarez", ""), ("Hidalgo", ""),
    ("Morelos", ""), ("Madero", ""), ("5 de Mayo", ""), ("Independencia", ""),
    ("Revolución|Revolucion", ""), ("Zaragoza", ""), ("Vallarta", ""),
    ("Constitución|Constitucion", ""),
];

#[rustfmt::skip]
const IR_STREETS: Streets = &[
    ("Valiasr|Vali Asr", "ولیعصر"), ("Azadi", "آزادی"), ("Enghelab|Enqelab", "انقلاب"),
    ("Shariati", "شریعتی"), ("Motahari", "مطهری"), ("Taleghani|Taleqani", "طالقانی"),
    ("Fatemi", "فاطمی"), ("Pasdaran", "پاسداران"), ("Jomhouri|Jomhuri", "جمهوری"),
    ("Kargar", "کارگر"), ("Sattarkhan|Sattar Khan", "ستارخان"), ("Niavaran", "نیاوران"),
    ("Pirouzi|Piroozi", "پیروزی"), ("Damavand", "دماوند"), ("Karimkhan|Karim Khan", "کریمخان"),
    ("Beheshti", "بهشتی"), ("Saadi|Sa'di", "سعدی"), ("Hafez", "حافظ"),
    ("Ferdowsi|Ferdosi", "فردوسی"), ("Golestan", "گلستان"),
];

/// Street types: `(full, abbreviation, Persian)`.
type StreetTypes = &'static [(&'static str, &'static str, &'static str)];

#[rustfmt::skip]
const US_TYPES: StreetTypes = &[
    ("Street", "St", ""), ("Avenue", "Ave", ""), ("Road", "Rd", ""), ("Drive", "Dr", ""),
    ("Lane", "Ln", ""), ("Boulevard", "Blvd", ""), ("Court", "Ct", ""), ("Place", "Pl", ""),
    ("Terrace", "Ter", ""), ("Circle", "Cir", ""), ("Parkway", "Pkwy", ""),
];

#[rustfmt::skip]
const GB_TYPES: StreetTypes = &[
    ("Road", "Rd", ""), ("Street", "St", ""), ("Lane", "Ln", ""), ("Avenue", "Ave", ""),
    ("Close", "Cl", ""), ("Drive", "Dr", ""), ("Gardens", "Gdns", ""), ("Crescent", "Cres", ""),
    ("Place", "Pl", ""),
];

#[rustfmt::skip]
const DE_TYPES: StreetTypes = &[
    ("straße", "str.", ""), ("weg", "weg", ""), ("allee", "allee", ""), ("platz", "pl.", ""),
    ("gasse", "gasse", ""),
];

#[rustfmt::skip]
const ES_TYPES: StreetTypes = &[
    ("Calle", "C/", ""), ("Avenida", "Av.", ""), ("Paseo", "Pº", ""), ("Plaza", "Pl.", ""),
];

#[rustfmt::skip]
const MX_TYPES: StreetTypes = &[
    ("Avenida", "Av.", ""), ("Calle", "C.", ""), ("Boulevard", "Blvd.", ""),
];

#[rustfmt::skip]
const IR_TYPES: StreetTypes = &[
    ("Street", "St", "خیابان"), ("Avenue", "Ave", "خیابان"), ("Boulevard", "Blvd", "بلوار"),
    ("Alley", "Alley", "کوچه"),
];

/// Personal e-mail domains by country, with weights. No `example.*` domain: the resolver
/// treats those as placeholders.
type Domains = &'static [(&'static str, u32)];

#[rustfmt::skip]
const US_DOMAINS: Domains = &[
    ("gmail.com", 36), ("yahoo.com", 14), ("outlook.com", 9), ("hotmail.com", 8), ("icloud.com", 7),
    ("aol.com", 4), ("comcast.net", 3), ("proton.me", 2), ("mail-example.net", 2),
    ("inboxly.net", 2), ("postbox-mail.com", 1),
];
#[rustfmt::skip]
const GB_DOMAINS: Domains = &[
    ("gmail.com", 30), ("hotmail.co.uk", 14), ("yahoo.co.uk", 12), ("outlook.com", 10),
    ("btinternet.com", 8), ("sky.com", 5), ("mail-example.net", 2),
];
#[rustfmt::skip]
const IR_DOMAINS: Domains = &[
    ("gmail.com", 50), ("yahoo.com", 25), ("chmail.ir", 6), ("outlook.com", 6), ("mailfa.com", 4),
    ("mail-example.net", 2),
];
#[rustfmt::skip]
const DE_DOMAINS: Domains = &[
    ("gmx.de", 25), ("web.de", 22), ("gmail.com", 22), ("t-online.de", 12), ("outlook.de", 6),
    ("posteo.de", 3),
];
#[rustfmt::skip]
const ES_DOMAINS: Domains = &[
    ("gmail.com", 40), ("hotmail.es", 20), ("yahoo.es", 10), ("outlook.es", 10),
    ("telefonica.net", 4),
];
#[rustfmt::skip]
const MX_DOMAINS: Domains = &[
    ("gmail.com", 40), ("hotmail.com", 25), ("outlook.com", 12), ("yahoo.com.mx", 10),
    ("prodigy.net.mx", 4),
];

// =============================================================================================
// Model
// =============================================================================================

/// The naming culture of a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Culture {
    English,
    Spanish,
    German,
    Persian,
}

impl Culture {
    const ALL: [Culture; 4] = [
        Culture::English,
        Culture::Spanish,
        Culture::German,
        Culture::Persian,
    ];

    fn name(self) -> &'static str {
        match self {
            Culture::English => "English",
            Culture::Spanish => "Spanish",
            Culture::German => "German",
            Culture::Persian => "Persian",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sex {
    Male,
    Female,
}

impl Sex {
    fn other(self) -> Sex {
        match self {
            Sex::Male => Sex::Female,
            Sex::Female => Sex::Male,
        }
    }
}

/// Country of residence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Country {
    Us,
    Gb,
    Ir,
    De,
    Es,
    Mx,
}

impl Country {
    const ALL: [Country; 6] = [
        Country::Us,
        Country::Gb,
        Country::Ir,
        Country::De,
        Country::Es,
        Country::Mx,
    ];

    fn code(self) -> &'static str {
        match self {
            Country::Us => "US",
            Country::Gb => "GB",
            Country::Ir => "IR",
            Country::De => "DE",
            Country::Es => "ES",
            Country::Mx => "MX",
        }
    }

    /// How records write the country: `(text, weight)`.
    fn spellings(self) -> &'static [(&'static str, u32)] {
        match self {
            Country::Us => &[("US", 60), ("USA", 25), ("United States", 15)],
            Country::Gb => &[("GB", 40), ("UK", 40), ("United Kingdom", 20)],
            Country::Ir => &[("IR", 60), ("Iran", 40)],
            Country::De => &[("DE", 50), ("Germany", 30), ("Deutschland", 20)],
            Country::Es => &[("ES", 50), ("Spain", 30), ("España", 20)],
            Country::Mx => &[("MX", 50), ("Mexico", 30), ("México", 20)],
        }
    }

    fn calling_code(self) -> &'static str {
        match self {
            Country::Us => "1",
            Country::Gb => "44",
            Country::Ir => "98",
            Country::De => "49",
            Country::Es => "34",
            Country::Mx => "52",
        }
    }

    /// The national trunk prefix written before the area code.
    fn trunk(self) -> &'static str {
        match self {
            Country::Gb | Country::Ir | Country::De => "0",
            Country::Us | Country::Es | Country::Mx => "",
        }
    }

    fn cities(self) -> Cities {
        match self {
            Country::Us => US_CITIES,
            Country::Gb => GB_CITIES,
            Country::Ir => IR_CITIES,
            Country::De => DE_CITIES,
            Country::Es => ES_CITIES,
            Country::Mx => MX_CITIES,
        }
    }

    fn streets(self) -> Streets {
        match self {
            Country::Us => US_STREETS,
            Country::Gb => GB_STREETS,
            Country::Ir => IR_STREETS,
            Country::De => DE_STREETS,
            Country::Es => ES_STREETS,
            Country::Mx => MX_STREETS,
        }
    }

    fn street_types(self) -> StreetTypes {
        match self {
            Country::Us => US_TYPES,
            Country::Gb => GB_TYPES,
            Country::Ir => IR_TYPES,
            Country::De => DE_TYPES,
            Country::Es => ES_TYPES,
            Country::Mx => MX_TYPES,
        }
    }

    fn domains(self) -> Domains {
        match self {
            Country::Us => US_DOMAINS,
            Country::Gb => GB_DOMAINS,
            Country::Ir => IR_DOMAINS,
            Country::De => DE_DOMAINS,
            Country::Es => ES_DOMAINS,
            Country::Mx => MX_DOMAINS,
        }
    }

    /// Whether day-first numeric dates are the local habit.
    fn day_first(self) -> bool {
        self != Country::Us
    }
}

/// A source system and how it fills its records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Crm,
    Webshop,
    CallCentre,
    Pos,
    Support,
}

impl Source {
    const ALL: [Source; 5] = [
        Source::Crm,
        Source::Webshop,
        Source::CallCentre,
        Source::Pos,
        Source::Support,
    ];
    /// Shares of records, in the order of `ALL`.
    const WEIGHTS: [u32; 5] = [30, 25, 18, 15, 12];

    fn name(self) -> &'static str {
        match self {
            Source::Crm => "crm",
            Source::Webshop => "webshop",
            Source::CallCentre => "call_centre",
            Source::Pos => "pos",
            Source::Support => "support",
        }
    }

    /// The prefix of its record IDs.
    fn id_prefix(self) -> &'static str {
        match self {
            Source::Crm => "crm-",
            Source::Webshop => "shop-",
            Source::CallCentre => "call-",
            Source::Pos => "pos-",
            Source::Support => "support-",
        }
    }

    /// Whether customers type their own details (so spellings are their own, nicknames and
    /// lower case are common) rather than an agent or clerk.
    fn self_entered(self) -> bool {
        matches!(self, Source::Webshop | Source::Support)
    }

    fn profile(self) -> &'static Profile {
        &PROFILES[self as usize]
    }
}

/// Chances that a source's record shows each field, when the person has it.
#[derive(Debug)]
struct Profile {
    /// Names in first/middle/last columns rather than one `full_name`.
    split_name: f64,
    /// The middle name, when the person has one.
    middle: f64,
    /// `Family, Given` when the name is in `full_name`.
    family_first: f64,
    email: f64,
    mobile: f64,
    /// The mobile in the `mobile` column (else `phone`).
    mobile_column: f64,
    landline: f64,
    dob: f64,
    address: f64,
    national_id: f64,
    gender: f64,
    /// A nickname instead of the given name (before `--noise`; much higher for persons who go
    /// by one).
    nickname: f64,
    /// Only the initial of the given name.
    initial: f64,
    /// Persian script, for Persian persons living in Iran.
    persian_script: f64,
}

const PROFILES: [Profile; 5] = [
    // crm
    Profile {
        split_name: 0.95,
        middle: 0.5,
        family_first: 0.05,
        email: 0.8,
        mobile: 0.75,
        mobile_column: 0.7,
        landline: 0.5,
        dob: 0.85,
        address: 0.9,
        national_id: 0.3,
        gender: 0.8,
        nickname: 0.04,
        initial: 0.03,
        persian_script: 0.7,
    },
    // webshop
    Profile {
        split_name: 1.0,
        middle: 0.1,
        family_first: 0.0,
        email: 0.98,
        mobile: 0.4,
        mobile_column: 1.0,
        landline: 0.0,
        dob: 0.15,
        address: 0.9,
        national_id: 0.02,
        gender: 0.3,
        nickname: 0.12,
        initial: 0.0,
        persian_script: 0.15,
    },
    // call_centre
    Profile {
        split_name: 0.15,
        middle: 0.2,
        family_first: 0.25,
        email: 0.1,
        mobile: 1.0,
        mobile_column: 0.0,
        landline: 0.2,
        dob: 0.35,
        address: 0.15,
        national_id: 0.08,
        gender: 0.1,
        nickname: 0.1,
        initial: 0.03,
        persian_script: 0.6,
    },
    // pos
    Profile {
        split_name: 0.6,
        middle: 0.05,
        family_first: 0.05,
        email: 0.12,
        mobile: 0.45,
        mobile_column: 0.0,
        landline: 0.0,
        dob: 0.55,
        address: 0.1,
        national_id: 0.0,
        gender: 0.25,
        nickname: 0.08,
        initial: 0.04,
        persian_script: 0.6,
    },
    // support
    Profile {
        split_name: 0.5,
        middle: 0.05,
        family_first: 0.05,
        email: 0.97,
        mobile: 0.25,
        mobile_column: 0.0,
        landline: 0.0,
        dob: 0.05,
        address: 0.05,
        national_id: 0.02,
        gender: 0.05,
        nickname: 0.12,
        initial: 0.0,
        persian_script: 0.2,
    },
];

/// A name with its spellings.
#[derive(Debug)]
struct Name {
    /// The Persian-script form (Persian names), with `~` and `|` markers (see [`PersianNames`]).
    script: Option<&'static str>,
    /// Latin spellings, the usual one first.
    spellings: Vec<&'static str>,
    nicknames: Vec<&'static str>,
}

/// Names of one culture and sex (or family names of one culture), drawn with Zipf-like
/// frequencies: the name of rank r (from 0) has weight 1 / (r + offset).
#[derive(Debug)]
struct Pool {
    names: Vec<Name>,
    cumulative: Vec<u64>,
}

impl Pool {
    fn new(names: Vec<Name>, offset: u64) -> Pool {
        let mut total = 0;
        let cumulative = (0..names.len() as u64)
            .map(|r| {
                total += 1_000_000_000 / (r + offset);
                total
            })
            .collect();
        Pool { names, cumulative }
    }

    fn latin(data: LatinNames, offset: u64) -> Pool {
        let names = data
            .iter()
            .map(|&(spellings, nicks)| Name {
                script: None,
                spellings: spellings.split('|').collect(),
                nicknames: nicks.split_whitespace().collect(),
            })
            .collect();
        Pool::new(names, offset)
    }

    fn families(data: &'static [&'static str], offset: u64) -> Pool {
        let names = data
            .iter()
            .map(|&spellings| Name {
                script: None,
                spellings: spellings.split('|').collect(),
                nicknames: Vec::new(),
            })
            .collect();
        Pool::new(names, offset)
    }

    fn persian(data: PersianNames, offset: u64) -> Pool {
        let names = data
            .iter()
            .map(|&(script, spellings, nicks)| Name {
                script: Some(script),
                spellings: spellings.split('|').collect(),
                nicknames: nicks.split_whitespace().collect(),
            })
            .collect();
        Pool::new(names, offset)
    }

    fn sample(&self, rng: &mut Rng) -> u16 {
        let total = self.cumulative.last().copied().unwrap_or(0);
        let r = rng.below(total);
        self.cumulative.partition_point(|&c| c <= r) as u16
    }

    fn get(&self, i: u16) -> &Name {
        &self.names[usize::from(i).min(self.names.len() - 1)]
    }

    /// The index of the name whose first spelling (or script) is `key`'s first.
    fn find(&self, key: &str) -> Option<u16> {
        let first = key.split('|').next().unwrap_or(key);
        self.names
            .iter()
            .position(|n| n.script == Some(first) || n.spellings.first() == Some(&first))
            .map(|i| i as u16)
    }
}

/// A phone number: its country and national significant number, split for writing.
#[derive(Debug, Clone)]
struct Phone {
    country: Country,
    /// National significant number (no trunk prefix, no country code).
    nsn: String,
    /// Digits of the area code or mobile prefix written as the first group.
    area_len: u8,
    /// Group lengths of the remaining digits.
    groups: &'static [u8],
}

/// A postal address.
#[derive(Debug, Clone)]
struct Address {
    country: Country,
    city: u16,
    /// Which of the city's names the person writes.
    city_spelling: u8,
    street: u16,
    street_spelling: u8,
    street_type: u8,
    house: u16,
    /// Flat or apartment: number and optional letter.
    unit: Option<(u16, Option<char>)>,
    postcode: String,
}

/// A national identifier.
#[derive(Debug, Clone)]
enum NationalId {
    /// Iranian national code, 10 digits.
    Iran(String),
    /// US Social Security number, 9 digits.
    Ssn(String),
    /// UK National Insurance number: two letters, six digits, a letter.
    Nino(String),
}

/// Generational suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Suffix {
    Junior,
    Senior,
}

/// One invented person and everything their records can show.
#[derive(Debug, Clone)]
struct Person {
    number: u64,
    culture: Culture,
    country: Country,
    sex: Sex,
    given: u16,
    middle: Option<u16>,
    family: u16,
    /// Spanish second (maternal) surname.
    second_family: Option<u16>,
    /// An earlier family name and the day (days from CE) the current one took over.
    maiden: Option<(u16, i32)>,
    suffix: Option<Suffix>,
    dob: NaiveDate,
    /// Preferred spelling indexes of the given and family names.
    given_spelling: u8,
    family_spelling: u8,
    /// The nickname (index) the person goes by, if any.
    nickname: Option<u8>,
    email: Option<String>,
    family_email: Option<String>,
    mobile: Option<Phone>,
    landline: Option<Phone>,
    home: Address,
    /// An earlier address and the day the person moved to `home`.
    previous: Option<(Address, i32)>,
    national_id: Option<NationalId>,
    /// Days (from CE) of the person's records, ascending.
    dates: Vec<i32>,
    /// What the statistics count.
    common_name: bool,
    in_household: bool,
    twin: bool,
    junior_pair: bool,
}

impl Person {
    fn family_at(&self, day: i32) -> u16 {
        match self.maiden {
            Some((maiden, changed)) if day < changed => maiden,
            _ => self.family,
        }
    }

    fn address_at(&self, day: i32) -> &Address {
        match &self.previous {
            Some((previous, moved)) if day < *moved => previous,
            _ => &self.home,
        }
    }
}

/// Persons generated together: a household (sharing an address, and perhaps a landline and a
/// family e-mail) or one person alone.
#[derive(Debug)]
struct Group {
    members: Vec<Person>,
    is_household: bool,
}

// =============================================================================================
// Numbers: phones and identifiers, unique by construction
// =============================================================================================

/// A block of phone numbers: `prefix` followed by `digits` digits, the first at least
/// `first_min`.
#[derive(Debug, Clone)]
struct Segment {
    prefix: String,
    digits: u32,
    first_min: u64,
    area_len: u8,
    groups: &'static [u8],
}

impl Segment {
    fn new(prefix: &str, digits: u32, first_min: u64, area_len: u8, groups: &'static [u8]) -> Self {
        Segment {
            prefix: prefix.to_owned(),
            digits,
            first_min,
            area_len,
            groups,
        }
    }

    fn size(&self) -> u64 {
        (10 - self.first_min) * 10u64.pow(self.digits.saturating_sub(1))
    }
}

/// A numbering plan that hands out each of its numbers at most once, in a scrambled order.
#[derive(Debug)]
struct NumberPlan {
    country: Country,
    segments: Vec<Segment>,
    /// Cumulative sizes (end offsets) of the segments.
    ends: Vec<u64>,
    permutation: Permutation,
    next: u64,
}

impl NumberPlan {
    fn new(country: Country, segments: Vec<Segment>, rng: &mut Rng) -> Self {
        let mut total = 0;
        let ends: Vec<u64> = segments
            .iter()
            .map(|s| {
                total += s.size();
                total
            })
            .collect();
        NumberPlan {
            country,
            segments,
            ends,
            permutation: Permutation::new(total, rng),
            next: 0,
        }
    }

    fn allocate(&mut self) -> Phone {
        let mut phone = self.number(0);
        // Skip numbers that look like placeholders or are reserved for fiction; they are rare,
        // so this ends within a few steps (bounded anyway).
        for _ in 0..1000 {
            let i = self.permutation.apply(self.next);
            self.next += 1;
            phone = self.number(i);
            if is_usable_phone(&phone) {
                break;
            }
        }
        phone
    }

    fn number(&self, i: u64) -> Phone {
        let s = self
            .ends
            .partition_point(|&e| e <= i)
            .min(self.segments.len() - 1);
        let start = if s == 0 { 0 } else { self.ends[s - 1] };
        let segment = &self.segments[s];
        let subscriber =
            segment.first_min * 10u64.pow(segment.digits.saturating_sub(1)) + (i - start);
        let mut nsn = segment.prefix.clone();
        push_padded(&mut nsn, subscriber, segment.digits as usize);
        Phone {
            country: self.country,
            nsn,
            area_len: segment.area_len,
            groups: segment.groups,
        }
    }
}

/// Not a placeholder-looking digit string, nor a number reserved for films and examples.
fn is_usable_phone(phone: &Phone) -> bool {
    let nsn = &phone.nsn;
    if looks_like_placeholder(nsn) {
        return false;
    }
    match phone.country {
        // 555-01xx is the fictional range; N11 exchanges are service codes.
        Country::Us => {
            let exchange = &nsn[3..6];
            !(exchange == "555" || exchange.ends_with("11"))
        }
        // Ofcom's drama ranges.
        Country::Gb => {
            !(nsn.starts_with("7700900")
                || nsn.starts_with("2079460")
                || nsn[3..].starts_with("4960"))
        }
        _ => true,
    }
}

/// Digits that a resolver would rightly take for a placeholder: one digit repeated, an
/// ascending or descending run, or a short pattern repeated.
fn looks_like_placeholder(digits: &str) -> bool {
    let d = digits.as_bytes();
    if d.len() < 6 {
        return false;
    }
    let run = |step: i16| {
        d.windows(2)
            .all(|w| (i16::from(w[1]) - i16::from(w[0]) - step) % 10 == 0)
    };
    run(0)
        || run(1)
        || run(-1)
        || (1..=3).any(|p| d.len() >= p * 3 && d.iter().enumerate().all(|(i, &b)| b == d[i % p]))
}

/// The numbering plans: one for each country's mobiles and one for its landlines.
#[derive(Debug)]
struct Plans {
    mobile: Vec<NumberPlan>,
    landline: Vec<NumberPlan>,
}

impl Plans {
    fn new(rng: &mut Rng) -> Self {
        const G34: &[u8] = &[3, 4];
        const G44: &[u8] = &[4, 4];
        const G6: &[u8] = &[6];
        const G7: &[u8] = &[7];
        const G8: &[u8] = &[8];
        const G33: &[u8] = &[3, 3];
        const G322: &[u8] = &[3, 2, 2];
        let segs = |prefixes: &[&str], digits, first_min, area_len, groups| -> Vec<Segment> {
            prefixes
                .iter()
                .map(|p| Segment::new(p, digits, first_min, area_len, groups))
                .collect()
        };
        // US: geographic area codes 201-989 (no N9X, no N11, no toll-free or premium codes).
        let us: Vec<Segment> = (201..=989u32)
            .filter(|a| {
                let (d2, d3) = ((a / 10) % 10, a % 10);
                d2 != 9
                    && !(d2 == 1 && d3 == 1)
                    && !matches!(
                        a,
                        500 | 555 | 600 | 700 | 800 | 833 | 844 | 855 | 866 | 877 | 888
                    )
            })
            .map(|a| Segment::new(&a.to_string(), 7, 2, 3, G34))
            .collect();
        let mut mobile = Vec::new();
        let mut landline = Vec::new();
        for country in Country::ALL {
            let (m, l) = match country {
                Country::Us => (us.clone(), us.clone()),
                Country::Gb => (
                    segs(&["74", "75", "77", "78", "79"], 8, 0, 4, G6),
                    [
                        segs(&["20"], 8, 3, 2, G44),
                        segs(
                            &[
                                "121", "131", "141", "161", "113", "114", "115", "116", "117",
                            ],
                            7,
                            2,
                            3,
                            G34,
                        ),
                    ]
                    .concat(),
                ),
                Country::Ir => (
                    segs(
                        &[
                            "910", "911", "912", "913", "914", "915", "916", "917", "918", "919",
                            "901", "902", "930", "933", "935", "936", "937", "938", "939", "990",
                        ],
                        7,
                        1,
                        3,
                        G34,
                    ),
                    segs(
                        &["21", "31", "51", "71", "41", "26", "25", "61"],
                        8,
                        2,
                        2,
                        G44,
                    ),
                ),
                Country::De => (
                    segs(
                        &[
                            "151", "152", "157", "159", "160", "162", "163", "170", "171", "172",
                            "173", "174", "175", "176", "177", "178", "179",
                        ],
                        8,
                        1,
                        3,
                        G8,
                    ),
                    [
                        segs(&["30", "40", "89", "69"], 8, 2, 2, G8),
                        segs(&["221", "211", "711"], 7, 2, 3, G7),
                    ]
                    .concat(),
                ),
                Country::Es => (
                    segs(&["6"], 8, 0, 3, G33),
                    segs(&["91", "93", "96", "95"], 7, 2, 2, G322),
                ),
                Country::Mx => (
                    segs(&["55", "33", "81"], 8, 1, 2, G44),
                    segs(&["55", "33", "81"], 8, 2, 2, G44),
                ),
            };
            mobile.push(NumberPlan::new(country, m, rng));
            landline.push(NumberPlan::new(country, l, rng));
        }
        // US mobiles and landlines share one numbering space; take both from one plan so that
        // no number is handed out twice.
        Plans { mobile, landline }
    }

    fn mobile(&mut self, country: Country) -> Phone {
        self.mobile[country as usize].allocate()
    }

    fn landline(&mut self, country: Country) -> Phone {
        match country {
            // One space for both kinds, so a landline never repeats a mobile.
            Country::Us | Country::Mx => self.mobile[country as usize].allocate(),
            _ => self.landline[country as usize].allocate(),
        }
    }
}

/// Hands out record IDs and national identifiers, each at most once.
#[derive(Debug)]
struct Identifiers {
    records: Permutation,
    iran: Permutation,
    iran_next: u64,
    ssn: Permutation,
    ssn_next: u64,
    nino_prefixes: Vec<[u8; 2]>,
    nino: Permutation,
    nino_next: u64,
}

/// SSN areas (001-899 without 666), groups (01-99) and serials (0001-9999).
const SSN_AREAS: u64 = 898;
const SSN_GROUPS: u64 = 99;
const SSN_SERIALS: u64 = 9999;

/// Well-known SSNs used in advertising and examples.
const SSN_SPECIMENS: &[&str] = &["078051120", "219099999", "457555462"];

impl Identifiers {
    fn new(rng: &mut Rng) -> Self {
        let mut nino_prefixes = Vec::new();
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                let p = [a, b];
                let banned = [b"BG", b"GB", b"KN", b"NK", b"NT", b"TN", b"ZZ"];
                if !b"DFIQUV".contains(&a)
                    && !b"DFIOQUV".contains(&b)
                    && !banned.iter().any(|x| **x == p)
                {
                    nino_prefixes.push(p);
                }
            }
        }
        let nino_size = nino_prefixes.len() as u64 * 1_000_000;
        Identifiers {
            records: Permutation::new(1_000_000_000, rng),
            iran: Permutation::new(1_000_000_000, rng),
            iran_next: 0,
            ssn: Permutation::new(SSN_AREAS * SSN_GROUPS * SSN_SERIALS, rng),
            ssn_next: 0,
            nino_prefixes,
            nino: Permutation::new(nino_size, rng),
            nino_next: 0,
        }
    }

    /// The record ID of the `n`th record: its source's prefix and nine digits that say nothing
    /// about the person.
    fn record_id(&self, source: Source, n: u64, out: &mut String) {
        out.push_str(source.id_prefix());
        push_padded(out, self.records.apply(n), 9);
    }

    fn iran(&mut self) -> NationalId {
        let mut code = String::new();
        for _ in 0..1000 {
            let body = self.iran.apply(self.iran_next);
            self.iran_next += 1;
            code.clear();
            push_padded(&mut code, body, 9);
            code.push(char::from(b'0' + iran_check_digit(&code)));
            if !looks_like_placeholder(&code) {
                break;
            }
        }
        NationalId::Iran(code)
    }

    fn ssn(&mut self) -> NationalId {
        let mut ssn = String::new();
        for _ in 0..1000 {
            let i = self.ssn.apply(self.ssn_next);
            self.ssn_next += 1;
            let serial = i % SSN_SERIALS + 1;
            let group = (i / SSN_SERIALS) % SSN_GROUPS + 1;
            let mut area = i / (SSN_SERIALS * SSN_GROUPS) + 1;
            if area >= 666 {
                area += 1;
            }
            ssn.clear();
            push_padded(&mut ssn, area, 3);
            push_padded(&mut ssn, group, 2);
            push_padded(&mut ssn, serial, 4);
            if !looks_like_placeholder(&ssn) && !SSN_SPECIMENS.contains(&ssn.as_str()) {
                break;
            }
        }
        NationalId::Ssn(ssn)
    }

    fn nino(&mut self, rng: &mut Rng) -> NationalId {
        let mut nino = String::with_capacity(9);
        for _ in 0..1000 {
            let i = self.nino.apply(self.nino_next);
            self.nino_next += 1;
            let prefix = self.nino_prefixes[(i / 1_000_000) as usize % self.nino_prefixes.len()];
            nino.clear();
            nino.push(char::from(prefix[0]));
            nino.push(char::from(prefix[1]));
            push_padded(&mut nino, i % 1_000_000, 6);
            if !looks_like_placeholder(&nino[2..]) {
                break;
            }
        }
        nino.push(*rng.pick(&['A', 'B', 'C', 'D']));
        NationalId::Nino(nino)
    }
}

/// The check digit of an Iranian national code's first nine digits:
/// s = Σ d[i]·(10 − i), r = s mod 11, check = r if r < 2 else 11 − r.
fn iran_check_digit(nine: &str) -> u8 {
    let s: u32 = nine
        .bytes()
        .take(9)
        .enumerate()
        .map(|(i, b)| u32::from(b.wrapping_sub(b'0')) * (10 - i as u32))
        .sum();
    let r = (s % 11) as u8;
    if r < 2 {
        r
    } else {
        11 - r
    }
}

// =============================================================================================
// Calendar
// =============================================================================================

/// The reference "today": ages and record dates are measured against it, never the clock.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 30).unwrap_or_default()
}

/// The first record date.
fn first_record_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2015, 1, 1).unwrap_or_default()
}

fn day_number(date: NaiveDate) -> i32 {
    date.num_days_from_ce()
}

fn date_of(day: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(day).unwrap_or_default()
}

/// The Jalali (Solar Hijri) year, month and day of a Gregorian date: the crate's own
/// conversion, the one the normaliser reverses.
fn to_jalali(date: NaiveDate) -> Option<(i32, u32, u32)> {
    PartialDate::from(date)
        .to_jalali()
        .map(|(y, m, d)| (y, u32::from(m), u32::from(d)))
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

// =============================================================================================
// Text helpers
// =============================================================================================

/// Append `n` in decimal, left-padded with zeros to `width`.
fn push_padded(out: &mut String, mut n: u64, width: usize) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for _ in (buf.len() - i)..width {
        out.push('0');
    }
    for &b in &buf[i..] {
        out.push(char::from(b));
    }
}

/// Replace ASCII digits with Persian (Extended Arabic-Indic) digits.
fn persian_digits(text: &mut String) {
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return;
    }
    let converted: String = text
        .chars()
        .map(|c| match c.to_digit(10) {
            Some(d) if c.is_ascii_digit() => char::from_u32(0x06F0 + d).unwrap_or(c),
            _ => c,
        })
        .collect();
    *text = converted;
}

/// Write Persian-script text, resolving its `~` (a ZWNJ, sometimes a space or nothing) and `|`
/// (joined, sometimes a space or a ZWNJ) markers; with `arabic`, Persian ی and ک are written
/// with the Arabic letters ي and ك, as Arabic keyboards and old systems do.
fn push_persian(out: &mut String, text: &str, arabic: bool, rng: &mut Rng, stats: &mut Stats) {
    for c in text.chars() {
        match c {
            '~' => match rng.weighted(&[65, 25, 10]) {
                0 => out.push('\u{200C}'),
                1 => {
                    out.push(' ');
                    stats.zwnj_variants += 1;
                }
                _ => stats.zwnj_variants += 1,
            },
            '|' => match rng.weighted(&[65, 25, 10]) {
                0 => {}
                1 => out.push(' '),
                _ => out.push('\u{200C}'),
            },
            'ی' if arabic => out.push('ي'),
            'ک' if arabic => out.push('ك'),
            c => out.push(c),
        }
    }
}

/// The lower-case ASCII form of a Latin name for e-mail addresses: accents dropped, German
/// umlauts spelled out, apostrophes, hyphens and spaces removed.
fn ascii_key(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            'ä' | 'Ä' => out.push_str("ae"),
            'ö' | 'Ö' => out.push_str("oe"),
            'ü' | 'Ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            'á' | 'à' | 'â' | 'Á' => out.push('a'),
            'é' | 'è' | 'ê' | 'É' => out.push('e'),
            'í' | 'ì' | 'Í' => out.push('i'),
            'ó' | 'ò' | 'ô' | 'Ó' => out.push('o'),
            'ú' | 'ù' | 'Ú' => out.push('u'),
            'ñ' | 'Ñ' => out.push('n'),
            'ç' => out.push('c'),
            _ => {}
        }
    }
}

const KEYBOARD_ROWS: [&str; 3] = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];

/// A key next to `c` on a QWERTY keyboard (same case), or a random letter.
fn neighbour_key(c: char, rng: &mut Rng) -> char {
    let lower = c.to_ascii_lowercase();
    for row in KEYBOARD_ROWS {
        if let Some(i) = row.find(lower) {
            let bytes = row.as_bytes();
            let j = if i == 0 {
                1
            } else if i + 1 == bytes.len() || rng.chance(0.5) {
                i - 1
            } else {
                i + 1
            };
            let k = char::from(bytes[j]);
            return if c.is_ascii_uppercase() {
                k.to_ascii_uppercase()
            } else {
                k
            };
        }
    }
    char::from(b'a' + rng.below(26) as u8)
}

/// A typing error: one letter substituted by a neighbouring key, deleted, or inserted (often
/// doubled). The first letter is kept: people rarely get it wrong.
fn typo(text: &mut String, rng: &mut Rng) -> bool {
    let mut chars: Vec<char> = text.chars().collect();
    let letters: Vec<usize> = (1..chars.len())
        .filter(|&i| chars[i].is_alphabetic())
        .collect();
    if chars.len() < 3 || letters.is_empty() {
        return false;
    }
    let i = *rng.pick(&letters);
    match rng.below(3) {
        0 => chars[i] = neighbour_key(chars[i], rng),
        1 => {
            chars.remove(i);
        }
        _ => {
            let c = if rng.chance(0.6) {
                chars[i]
            } else {
                neighbour_key(chars[i], rng)
            };
            chars.insert(i, c);
        }
    }
    *text = chars.into_iter().collect();
    true
}

/// Two adjacent letters swapped (`Jonh`), not the first.
fn transpose(text: &mut String, rng: &mut Rng) -> bool {
    let mut chars: Vec<char> = text.chars().collect();
    if chars.len() < 3 {
        return false;
    }
    let i = 1 + rng.index(chars.len() - 2);
    if chars[i] == chars[i + 1] || !chars[i].is_alphabetic() || !chars[i + 1].is_alphabetic() {
        return false;
    }
    chars.swap(i, i + 1);
    *text = chars.into_iter().collect();
    true
}

/// Append `value` to a CSV line, quoted when it holds a comma, quote or line break.
fn push_csv_field(line: &mut String, value: &str) {
    if value.contains([',', '"', '\n', '\r']) {
        line.push('"');
        for c in value.chars() {
            if c == '"' {
                line.push('"');
            }
            line.push(c);
        }
        line.push('"');
    } else {
        line.push_str(value);
    }
}

// =============================================================================================
// Output
// =============================================================================================

const HEADER: &str = "record_id,source,first_name,middle_name,last_name,full_name,email,phone,\
mobile,landline,dob,street,city,postcode,country,national_id,national_id_issuer,gender,\
updated_at";

/// Columns of `customers.csv`, in order.
#[derive(Debug, Clone, Copy)]
enum Col {
    RecordId,
    Source,
    FirstName,
    MiddleName,
    LastName,
    FullName,
    Email,
    Phone,
    Mobile,
    Landline,
    Dob,
    Street,
    City,
    Postcode,
    Country,
    NationalId,
    NationalIdIssuer,
    Gender,
    UpdatedAt,
}

const COLUMNS: usize = 19;

/// The fields of one record, reused from record to record.
#[derive(Debug, Default)]
struct Rows {
    fields: [String; COLUMNS],
    line: String,
    truth: String,
    given: String,
    family: String,
    middle: String,
}

impl Rows {
    fn clear(&mut self) {
        for f in &mut self.fields {
            f.clear();
        }
    }

    fn field(&mut self, col: Col) -> &mut String {
        &mut self.fields[col as usize]
    }

    /// Assemble `line` (a customers.csv row) and `truth` from the fields.
    fn assemble(&mut self, person_id: u64) {
        self.line.clear();
        for (i, f) in self.fields.iter().enumerate() {
            if i > 0 {
                self.line.push(',');
            }
            push_csv_field(&mut self.line, f.trim());
        }
        self.line.push('\n');
        self.truth.clear();
        self.truth.push_str(&self.fields[Col::RecordId as usize]);
        self.truth.push_str(",p");
        push_padded(&mut self.truth, person_id, 8);
        self.truth.push('\n');
    }
}

/// Writes rows, passing them through a shuffling window so that a person's records (and a
/// household's persons) are not next to each other in the files.
struct Output<W: Write> {
    customers: W,
    truth: W,
    window: Vec<(String, String)>,
    capacity: usize,
    rng: Rng,
}

impl<W: Write> Output<W> {
    fn new(customers: W, truth: W, capacity: usize, rng: Rng) -> Self {
        Output {
            customers,
            truth,
            window: Vec::with_capacity(capacity.min(1 << 20)),
            capacity,
            rng,
        }
    }

    fn write_headers(&mut self) -> io::Result<()> {
        writeln!(self.customers, "{HEADER}")?;
        writeln!(self.truth, "record_id,person_id")
    }

    /// Take the row in `line` and `truth` (leaving them to be reused).
    fn push(&mut self, line: &mut String, truth: &mut String) -> io::Result<()> {
        if self.window.len() < self.capacity {
            self.window
                .push((std::mem::take(line), std::mem::take(truth)));
            return Ok(());
        }
        if self.capacity > 0 {
            let j = self.rng.index(self.capacity);
            let slot = &mut self.window[j];
            std::mem::swap(&mut slot.0, line);
            std::mem::swap(&mut slot.1, truth);
        }
        self.customers.write_all(line.as_bytes())?;
        self.truth.write_all(truth.as_bytes())
    }

    fn finish(mut self) -> io::Result<()> {
        let mut window = std::mem::take(&mut self.window);
        for i in (1..window.len()).rev() {
            let j = self.rng.index(i + 1);
            window.swap(i, j);
        }
        for (line, truth) in &window {
            self.customers.write_all(line.as_bytes())?;
            self.truth.write_all(truth.as_bytes())?;
        }
        self.customers.flush()?;
        self.truth.flush()
    }
}

// =============================================================================================
// Statistics
// =============================================================================================

/// What was generated, for the summary line and `--stats`.
#[derive(Debug, Default, Clone)]
struct Stats {
    records: u64,
    persons: u64,
    by_source: [u64; 5],
    persons_by_culture: [u64; 4],
    persons_by_country: [u64; 6],
    households: u64,
    household_persons: u64,
    twins: u64,
    junior_pairs: u64,
    movers: u64,
    surname_changes: u64,
    common_names: u64,
    persian_script: u64,
    arabic_letters: u64,
    zwnj_variants: u64,
    jalali_dates: u64,
    persian_digit_phones: u64,
    latin_variant_spellings: u64,
    nicknames: u64,
    initials: u64,
    name_typos: u64,
    transpositions: u64,
    swapped_names: u64,
    family_first: u64,
    suffixes: u64,
    dob_swaps: u64,
    dob_typos: u64,
    email_variants: u64,
    family_emails: u64,
    international_phones: u64,
    national_ids: u64,
    id_typos: u64,
    placeholders: [u64; 5],
    records_per_person: [u64; 9],
}

impl Stats {
    fn report(&self) -> String {
        let r = self.records.max(1) as f64;
        let p = self.persons.max(1) as f64;
        let pct = |n: u64, of: f64| format!("{n} ({:.1}%)", 100.0 * n as f64 / of);
        let mut s = String::new();
        let mut line = |label: &str, value: String| {
            s.push_str(&format!("  {label:<32} {value}\n"));
        };
        line("records", self.records.to_string());
        line("persons", self.persons.to_string());
        for (i, source) in Source::ALL.iter().enumerate() {
            line(
                &format!("records from {}", source.name()),
                pct(self.by_source[i], r),
            );
        }
        for (i, culture) in Culture::ALL.iter().enumerate() {
            line(
                &format!("{} persons", culture.name()),
                pct(self.persons_by_culture[i], p),
            );
        }
        for (i, country) in Country::ALL.iter().enumerate() {
            line(
                &format!("persons living in {}", country.code()),
                pct(self.persons_by_country[i], p),
            );
        }
        let per: Vec<String> = self
            .records_per_person
            .iter()
            .enumerate()
            .skip(1)
            .map(|(k, &n)| format!("{k}:{:.1}%", 100.0 * n as f64 / p))
            .collect();
        line("records per person", per.join(" "));
        line("households (2+ persons)", self.households.to_string());
        line("persons in households", pct(self.household_persons, p));
        line("twins (persons)", self.twins.to_string());
        line("father/son Jr./Sr. pairs", self.junior_pairs.to_string());
        line("movers", self.movers.to_string());
        line("surname changes", self.surname_changes.to_string());
        line(
            "persons with a very common name",
            self.common_names.to_string(),
        );
        line("Persian-script records", pct(self.persian_script, r));
        line("  with Arabic ي/ك", self.arabic_letters.to_string());
        line(
            "  ZWNJ written as space/none",
            self.zwnj_variants.to_string(),
        );
        line("  Jalali birth dates", self.jalali_dates.to_string());
        line(
            "  phones in Persian digits",
            self.persian_digit_phones.to_string(),
        );
        line(
            "other spellings (translit., accents)",
            pct(self.latin_variant_spellings, r),
        );
        line("nicknames", pct(self.nicknames, r));
        line("initial only", pct(self.initials, r));
        line("name typos", pct(self.name_typos, r));
        line("transposed letters", pct(self.transpositions, r));
        line("given/family swapped", pct(self.swapped_names, r));
        line("'Family, Given' full names", pct(self.family_first, r));
        line("Jr./Sr. shown", self.suffixes.to_string());
        line("birth day/month swapped", pct(self.dob_swaps, r));
        line("birth date digit typos", pct(self.dob_typos, r));
        line(
            "e-mail variants (case, dots, +tag)",
            pct(self.email_variants, r),
        );
        line("family e-mails", pct(self.family_emails, r));
        line(
            "phones with country code",
            pct(self.international_phones, r),
        );
        line("national IDs shown", pct(self.national_ids, r));
        line("  with a typo", self.id_typos.to_string());
        let kinds = [
            "test@test.com",
            "noemail@none.com",
            "0000000000",
            "1234567890",
            "1900-01-01",
        ];
        for (kind, &n) in kinds.iter().zip(&self.placeholders) {
            line(&format!("placeholder {kind}"), n.to_string());
        }
        s
    }
}

// =============================================================================================
// The generator
// =============================================================================================

/// The name pools, and the very common names found in them.
#[derive(Debug)]
struct Names {
    given: [[Pool; 2]; 4],
    family: [Pool; 4],
    /// `(culture, sex, given, family)`.
    common: Vec<(Culture, Sex, u16, u16)>,
}

impl Names {
    fn new() -> Self {
        let given = [
            [
                Pool::latin(ENGLISH_MALE, 12),
                Pool::latin(ENGLISH_FEMALE, 12),
            ],
            [Pool::latin(SPANISH_MALE, 8), Pool::latin(SPANISH_FEMALE, 8)],
            [Pool::latin(GERMAN_MALE, 10), Pool::latin(GERMAN_FEMALE, 10)],
            [
                Pool::persian(PERSIAN_MALE, 6),
                Pool::persian(PERSIAN_FEMALE, 8),
            ],
        ];
        let family = [
            Pool::families(ENGLISH_FAMILY, 16),
            Pool::families(SPANISH_FAMILY, 10),
            Pool::families(GERMAN_FAMILY, 12),
            Pool::persian(PERSIAN_FAMILY, 10),
        ];
        let common = COMMON_NAMES
            .iter()
            .filter_map(|&(culture, sex, g, f)| {
                let given = given[culture as usize][sex as usize].find(g)?;
                let family = family[culture as usize].find(f)?;
                Some((culture, sex, given, family))
            })
            .collect();
        Names {
            given,
            family,
            common,
        }
    }

    fn given(&self, culture: Culture, sex: Sex) -> &Pool {
        &self.given[culture as usize][sex as usize]
    }

    fn family(&self, culture: Culture) -> &Pool {
        &self.family[culture as usize]
    }
}

struct Generator<'a> {
    config: &'a Config,
    names: &'a Names,
    rng: Rng,
    plans: Plans,
    ids: Identifiers,
    /// Fingerprints of the e-mail addresses handed out.
    emails: HashSet<u64>,
    /// Chance that a new group is a household (set so that `households_share` of persons
    /// live in one).
    household_chance: f64,
    next_person: u64,
    stats: Stats,
}

/// Mean size of a household, for `household_chance`.
const MEAN_HOUSEHOLD: f64 = 3.0;

impl<'a> Generator<'a> {
    fn new(config: &'a Config, names: &'a Names) -> Self {
        let mut seeder = Rng::new(config.seed);
        let mut numbers = Rng::new(seeder.next_u64());
        let rng = Rng::new(seeder.next_u64());
        let h = config.households_share;
        let household_chance = h / (MEAN_HOUSEHOLD - h * (MEAN_HOUSEHOLD - 1.0));
        Generator {
            config,
            names,
            rng,
            plans: Plans::new(&mut numbers),
            ids: Identifiers::new(&mut numbers),
            emails: HashSet::new(),
            household_chance,
            next_person: 0,
            stats: Stats::default(),
        }
    }

    /// An independent random stream derived from the seed.
    fn derive_rng(&self, stream: u64) -> Rng {
        Rng::new(mix64(self.config.seed ^ mix64(stream)))
    }

    /// A corruption rate scaled by `--noise`.
    fn noisy(&self, p: f64) -> f64 {
        p * self.config.noise
    }

    // ------------------------------------------------------------------------- persons

    fn pick_culture(&mut self) -> Culture {
        if self.rng.chance(self.config.persian_share) {
            return Culture::Persian;
        }
        match self.rng.weighted(&[73, 18, 9]) {
            0 => Culture::English,
            1 => Culture::Spanish,
            _ => Culture::German,
        }
    }

    fn pick_country(&mut self, culture: Culture) -> Country {
        match culture {
            Culture::English => [Country::Us, Country::Gb][self.rng.weighted(&[85, 15])],
            Culture::Spanish => {
                [Country::Us, Country::Es, Country::Mx][self.rng.weighted(&[80, 10, 10])]
            }
            Culture::German => [Country::Us, Country::De][self.rng.weighted(&[55, 45])],
            Culture::Persian => {
                [Country::Ir, Country::Us, Country::Gb][self.rng.weighted(&[75, 20, 5])]
            }
        }
    }

    fn pick_sex(&mut self) -> Sex {
        if self.rng.chance(0.5) {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// A spelling index: the usual spelling most often, then the second, then the rest.
    fn spelling(&mut self, count: usize) -> u8 {
        match count {
            0 | 1 => 0,
            2 => self.rng.weighted(&[6, 3]) as u8,
            n => match self.rng.below(9 + n as u64 - 2) {
                0..=5 => 0,
                6..=8 => 1,
                x => (x - 7) as u8,
            },
        }
    }

    /// A given name of the culture and sex that is not one of `avoid`.
    fn given_name(&mut self, culture: Culture, sex: Sex, avoid: &[u16]) -> u16 {
        let mut g = 0;
        for _ in 0..20 {
            g = self.names.given(culture, sex).sample(&mut self.rng);
            if !avoid.contains(&g) {
                break;
            }
        }
        g
    }

    /// A birth date for someone `age` years old at the reference date.
    fn dob_for_age(&mut self, age: i32) -> NaiveDate {
        let day = day_number(today()) - age * 365 - age / 4 - self.rng.range(0, 364);
        date_of(day)
    }

    fn adult_age(&mut self) -> i32 {
        18 + self.rng.range(0, 44) + self.rng.range(0, 29)
    }

    /// A person with everything drawn independently; households then overwrite what they
    /// share.
    fn person(&mut self, culture: Culture, country: Country, sex: Sex, age: i32) -> Person {
        self.next_person += 1;
        let given = self.given_name(culture, sex, &[]);
        let family = self.names.family(culture).sample(&mut self.rng);
        let middle = (matches!(culture, Culture::English | Culture::German)
            && self.rng.chance(0.4))
        .then(|| self.given_name(culture, sex, &[given]));
        let second_family =
            (culture == Culture::Spanish).then(|| self.names.family(culture).sample(&mut self.rng));
        let given_spelling = {
            let n = self.names.given(culture, sex).get(given).spellings.len();
            self.spelling(n)
        };
        let family_spelling = {
            let n = self.names.family(culture).get(family).spellings.len();
            self.spelling(n)
        };
        let nick_count = self.names.given(culture, sex).get(given).nicknames.len();
        let nickname =
            (nick_count > 0 && self.rng.chance(0.2)).then(|| self.rng.index(nick_count) as u8);
        let dob = self.dob_for_age(age);
        let mobile = self.rng.chance(0.92).then(|| self.plans.mobile(country));
        let landline = self.rng.chance(0.12).then(|| self.plans.landline(country));
        let home = self.address(country, None);
        let national_id = match (culture, country) {
            (Culture::Persian, _) => self.rng.chance(0.95).then(|| self.ids.iran()),
            (_, Country::Us) => self.rng.chance(0.9).then(|| self.ids.ssn()),
            (_, Country::Gb) => self.rng.chance(0.8).then(|| self.ids.nino(&mut self.rng)),
            _ => None,
        };
        let mut p = Person {
            number: self.next_person,
            culture,
            country,
            sex,
            given,
            middle,
            family,
            second_family,
            maiden: None,
            suffix: None,
            dob,
            given_spelling,
            family_spelling,
            nickname,
            email: None,
            family_email: None,
            mobile,
            landline,
            home,
            previous: None,
            national_id,
            dates: Vec::new(),
            common_name: false,
            in_household: false,
            twin: false,
            junior_pair: false,
        };
        if self.rng.chance(self.config.common_names_share) {
            let choices: Vec<(u16, u16)> = self
                .names
                .common
                .iter()
                .filter(|c| c.0 == culture && c.1 == sex)
                .map(|c| (c.2, c.3))
                .collect();
            if !choices.is_empty() {
                let (g, f) = *self.rng.pick(&choices);
                p.given = g;
                p.family = f;
                p.given_spelling = 0;
                p.family_spelling = 0;
                p.common_name = true;
                p.nickname = None;
            }
        }
        self.draw_dates(&mut p);
        p
    }

    /// Record count and record dates (from when the person was 16, or the first record day).
    fn draw_dates(&mut self, p: &mut Person) {
        let mut k = 1;
        if !self.rng.chance(self.config.single_record_share) {
            k = 2;
            while k < 8 && self.rng.chance(0.45) {
                k += 1;
            }
        }
        let adult = day_number(p.dob) + 16 * 365 + 4;
        let last = day_number(today());
        let first = day_number(first_record_day()).max(adult).min(last);
        p.dates = (0..k).map(|_| self.rng.range(first, last)).collect();
        p.dates.sort_unstable();
    }

    /// A day between two different record dates of `p`, if it has two: records from that day
    /// on show the change.
    fn event_day(&mut self, p: &Person) -> Option<i32> {
        let gaps: Vec<usize> = (1..p.dates.len())
            .filter(|&i| p.dates[i] > p.dates[i - 1])
            .collect();
        if gaps.is_empty() {
            return None;
        }
        let i = *self.rng.pick(&gaps);
        Some(self.rng.range(p.dates[i - 1] + 1, p.dates[i]))
    }

    fn address(&mut self, country: Country, city: Option<u16>) -> Address {
        let cities = country.cities();
        let city = city.unwrap_or_else(|| {
            // Larger cities first: a mild Zipf.
            self.rng.zipf(cities.len(), 3) as u16
        });
        let (city_names, _, postal) = cities[usize::from(city).min(cities.len() - 1)];
        let city_spelling = if city_names.contains('|') && self.rng.chance(0.15) {
            1
        } else {
            0
        };
        let streets = country.streets();
        let street = self.rng.index(streets.len()) as u16;
        let street_spelling = if streets[usize::from(street)].0.contains('|') {
            self.rng.weighted(&[8, 2]) as u8
        } else {
            0
        };
        let street_type = self.rng.zipf(country.street_types().len(), 1) as u8;
        let house = match country {
            Country::Us => self.rng.range(1, 9899) as u16,
            _ => self.rng.range(1, 180) as u16,
        };
        let unit_chance = match country {
            Country::Us => 0.25,
            Country::Gb => 0.2,
            Country::Ir => 0.5,
            _ => 0.0,
        };
        let unit = self.rng.chance(unit_chance).then(|| {
            let n = self.rng.range(1, 30) as u16;
            let letter = (country == Country::Us && self.rng.chance(0.5))
                .then(|| char::from(b'A' + self.rng.below(6) as u8));
            (n, letter)
        });
        let postcode = self.postcode(country, postal);
        Address {
            country,
            city,
            city_spelling,
            street,
            street_spelling,
            street_type,
            house,
            unit,
            postcode,
        }
    }

    fn postcode(&mut self, country: Country, postal: &str) -> String {
        let mut out = String::with_capacity(10);
        let count = postal.split_whitespace().count();
        let prefix = postal
            .split_whitespace()
            .nth(self.rng.index(count))
            .unwrap_or(postal);
        match country {
            Country::Us => {
                out.push_str(prefix);
                push_padded(&mut out, self.rng.range(1, 99) as u64, 2);
            }
            Country::Gb => {
                out.push_str(prefix);
                let max = if prefix.len() == 1 { 30 } else { 20 };
                push_padded(&mut out, self.rng.range(1, max) as u64, 1);
                out.push(' ');
                push_padded(&mut out, self.rng.below(10), 1);
                const INWARD: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
                for _ in 0..2 {
                    out.push(char::from(*self.rng.pick(INWARD)));
                }
            }
            Country::Ir => {
                // Iranian postcodes: ten digits, the first five without 0 or 2.
                out.push_str(prefix);
                const FIRST: &[u8] = b"13456789";
                for _ in 0..4 {
                    out.push(char::from(*self.rng.pick(FIRST)));
                }
                push_padded(&mut out, self.rng.below(100_000), 5);
            }
            Country::De | Country::Es | Country::Mx => {
                out.push_str(prefix);
                push_padded(&mut out, self.rng.below(1000), 3);
            }
        }
        out
    }

    /// A personal e-mail address derived from the name (the maiden name, for someone whose
    /// surname changed: the address outlives it), unique in the file.
    fn personal_email(&mut self, p: &Person) -> String {
        let given_name = self.names.given(p.culture, p.sex).get(p.given);
        let family = p.maiden.map_or(p.family, |(maiden, _)| maiden);
        let family_name = self.names.family(p.culture).get(family);
        let mut g = String::new();
        ascii_key(
            given_name.spellings[usize::from(p.given_spelling).min(given_name.spellings.len() - 1)],
            &mut g,
        );
        let mut f = String::new();
        ascii_key(
            family_name.spellings
                [usize::from(p.family_spelling).min(family_name.spellings.len() - 1)],
            &mut f,
        );
        let nick = p.nickname.and_then(|n| {
            let mut s = String::new();
            ascii_key(given_name.nicknames.get(usize::from(n))?, &mut s);
            Some(s)
        });
        let domains = p.country.domains();
        let domain = domains[self.rng.weighted_by(domains, |d| d.1)].0;
        let year = p.dob.year().rem_euclid(100) as u64;
        let g0 = g.chars().next().unwrap_or('x');
        let mut local = String::with_capacity(32);
        for attempt in 0..8 {
            local.clear();
            let pattern = if attempt < 3 {
                self.rng.weighted(&[30, 15, 12, 5, 5, 8, 8, 5, 5, 4, 3])
            } else {
                5 + attempt
            };
            match pattern {
                0 => {
                    local.push_str(&g);
                    local.push('.');
                    local.push_str(&f);
                }
                1 => {
                    local.push_str(&g);
                    local.push_str(&f);
                }
                2 => {
                    local.push(g0);
                    local.push_str(&f);
                }
                3 => {
                    local.push_str(&g);
                    local.push('_');
                    local.push_str(&f);
                }
                4 => {
                    local.push_str(&f);
                    local.push('.');
                    local.push_str(&g);
                }
                5 => {
                    local.push_str(&g);
                    local.push('.');
                    local.push_str(&f);
                    push_padded(&mut local, year, 2);
                }
                6 => {
                    local.push_str(&g);
                    local.push_str(&f);
                    push_padded(&mut local, self.rng.range(1, 99) as u64, 1);
                }
                7 => {
                    local.push_str(&g);
                    push_padded(&mut local, p.dob.year().max(0) as u64, 4);
                }
                8 => {
                    local.push(g0);
                    local.push('.');
                    local.push_str(&f);
                }
                9 => {
                    local.push_str(nick.as_deref().unwrap_or(&g));
                    local.push('.');
                    local.push_str(&f);
                }
                10 => {
                    local.push_str(&g);
                    local.push('.');
                    local.push_str(&f[..f.len().min(1)]);
                }
                _ => {
                    local.push_str(&g);
                    local.push_str(&f);
                    push_padded(&mut local, self.rng.range(100, 9999) as u64, 1);
                }
            }
            local.push('@');
            local.push_str(domain);
            if self.emails.insert(fnv1a(&local)) {
                return local;
            }
        }
        // Still taken after eight tries (a very common name): the person number makes it
        // unique, as a provider's suggestion would.
        loop {
            local.clear();
            local.push_str(&g);
            local.push('.');
            local.push_str(&f);
            local.push('.');
            push_padded(&mut local, p.number, 1);
            if self.emails.len() % 2 == 0 {
                push_padded(&mut local, self.rng.below(10), 1);
            }
            local.push('@');
            local.push_str(domain);
            if self.emails.insert(fnv1a(&local)) {
                return local;
            }
        }
    }

    /// A family e-mail for a household named `family`: `smithfamily@...`, `thesmiths@...`.
    fn family_email(&mut self, p: &Person) -> String {
        let family_name = self.names.family(p.culture).get(p.family);
        let mut f = String::new();
        ascii_key(family_name.spellings[0], &mut f);
        let domains = p.country.domains();
        let mut local = String::new();
        for attempt in 0..64u64 {
            let domain = domains[self.rng.weighted_by(domains, |d| d.1)].0;
            local.clear();
            match self.rng.below(4) {
                0 => {
                    local.push_str(&f);
                    local.push_str("family");
                }
                1 => {
                    local.push_str("the");
                    local.push_str(&f);
                    local.push('s');
                }
                2 => {
                    local.push_str(&f);
                    local.push_str(".family");
                }
                _ => {
                    local.push_str(&f);
                    local.push_str("home");
                }
            }
            if attempt >= 4 {
                push_padded(&mut local, self.rng.range(1, 999) as u64, 1);
            }
            local.push('@');
            local.push_str(domain);
            if self.emails.insert(fnv1a(&local)) {
                break;
            }
        }
        local
    }

    /// Give `p` a personal e-mail (most persons have one) and the life events of their own.
    fn finish_person(&mut self, p: &mut Person, allow_surname_change: bool) {
        if self.rng.chance(0.94) {
            p.email = Some(self.personal_email(p));
        }
        if p.dates.len() >= 2 && self.rng.chance(self.config.movers_share) {
            if let Some(day) = self.event_day(p) {
                let same_city = self.rng.chance(0.5).then_some(p.home.city);
                let previous = self.address(p.country, same_city);
                p.previous = Some((previous, day));
                self.stats.movers += 1;
            }
        }
        if allow_surname_change
            && p.sex == Sex::Female
            && p.maiden.is_none()
            && matches!(p.culture, Culture::English | Culture::German)
            && p.dates.len() >= 2
            && self.rng.chance(self.config.surname_change_share)
        {
            if let Some(day) = self.event_day(p) {
                // The e-mail (made from the maiden name) stays, as do phone and birth date.
                let married = self.names.family(p.culture).sample(&mut self.rng);
                if married != p.family {
                    p.maiden = Some((p.family, day));
                    p.family = married;
                    self.stats.surname_changes += 1;
                }
            }
        }
    }

    fn single(&mut self) -> Group {
        let culture = self.pick_culture();
        let country = self.pick_country(culture);
        let sex = self.pick_sex();
        let age = self.adult_age();
        let mut p = self.person(culture, country, sex, age);
        self.finish_person(&mut p, true);
        Group {
            members: vec![p],
            is_household: false,
        }
    }

    /// A household: a couple, a couple with children, or one parent with children, sharing an
    /// address; often a landline, sometimes a family e-mail. Twins and a son named after his
    /// father (Jr./Sr.) happen here.
    fn household(&mut self) -> Group {
        let culture = self.pick_culture();
        let country = self.pick_country(culture);
        let kind = self.rng.weighted(&[35, 45, 20]); // couple, couple + children, one parent
        let kids = match kind {
            0 => 0,
            _ => 1 + self.rng.weighted(&[45, 40, 15]),
        };
        let adults = if kind == 2 { 1 } else { 2 };
        // Naming a son after his father, with Jr. and Sr., is an American habit.
        let junior = kids > 0
            && country == Country::Us
            && culture != Culture::Persian
            && self.rng.chance(self.config.junior_share);
        // A Jr. needs a father: the first adult is then the father.
        let first_sex = if junior { Sex::Male } else { self.pick_sex() };
        // The parent's age leaves room for adult children (the youngest at least 16).
        let parent_age = if kids > 0 {
            let min_gap = if junior { 25 } else { 20 };
            16 + min_gap + self.rng.range(0, 30)
        } else {
            self.adult_age()
        };
        let mut members = Vec::with_capacity(adults + kids);
        let first = self.person(culture, country, first_sex, parent_age);
        let father_family = first.family;
        members.push(first);
        if adults == 2 {
            let age = (parent_age + self.rng.range(-5, 5)).max(18);
            let sex = if self.rng.chance(0.95) {
                first_sex.other()
            } else {
                first_sex
            };
            let mut partner = self.person(culture, country, sex, age);
            let avoid = [members[0].given];
            if partner.given == members[0].given {
                partner.given = self.given_name(culture, sex, &avoid);
            }
            // English and German wives mostly took the husband's name (some records before
            // the wedding show the maiden name); Persian and Spanish women keep their own.
            if sex == Sex::Female
                && first_sex == Sex::Male
                && matches!(culture, Culture::English | Culture::German)
                && self.rng.chance(0.8)
            {
                let maiden = partner.family;
                partner.family = father_family;
                partner.family_spelling = members[0].family_spelling;
                if maiden != father_family
                    && partner.dates.len() >= 2
                    && self.rng.chance(self.config.surname_change_share)
                {
                    if let Some(day) = self.event_day(&partner) {
                        partner.maiden = Some((maiden, day));
                        self.stats.surname_changes += 1;
                    }
                }
            }
            members.push(partner);
        }
        // The father, if there is one, gives the children their (first) surname.
        let father = members.iter().position(|m| m.sex == Sex::Male);
        let mother = members.iter().position(|m| m.sex == Sex::Female);
        let twins = kids >= 2 && self.rng.chance(self.config.twins_share);
        let mut used: Vec<u16> = Vec::new();
        for k in 0..kids {
            let sex = if k == 0 && junior {
                Sex::Male
            } else {
                self.pick_sex()
            };
            let gap = if k == 0 && junior {
                self.rng.range(25, (parent_age - 17).clamp(25, 35))
            } else {
                self.rng.range(20, (parent_age - 16).clamp(20, 40))
            };
            let mut kid = self.person(culture, country, sex, parent_age - gap);
            let parent = &members[father.or(mother).unwrap_or(0)];
            kid.family = parent.family;
            kid.family_spelling = parent.family_spelling;
            kid.maiden = None;
            if culture == Culture::Spanish {
                kid.second_family = mother.map(|m| members[m].family);
            }
            if k == 0 && junior {
                if let Some(f) = father {
                    let dad = &members[f];
                    kid.given = dad.given;
                    kid.middle = dad.middle;
                    kid.given_spelling = dad.given_spelling;
                    kid.nickname = None;
                    // Born `gap` years after his father, and at least 16 now.
                    let born =
                        day_number(dad.dob) + gap * 365 + gap / 4 + self.rng.range(-150, 150);
                    let latest = day_number(today()) - 16 * 365 - 4;
                    kid.dob = date_of(born.min(latest));
                    kid.suffix = Some(Suffix::Junior);
                    kid.junior_pair = true;
                    self.draw_dates(&mut kid);
                    let dad = &mut members[f];
                    dad.suffix = Some(Suffix::Senior);
                    dad.junior_pair = true;
                }
            } else {
                let mut avoid = used.clone();
                avoid.extend(members.iter().filter(|m| m.sex == sex).map(|m| m.given));
                if avoid.contains(&kid.given) {
                    kid.given = self.given_name(culture, sex, &avoid);
                    kid.given_spelling = 0;
                    kid.nickname = None;
                }
            }
            if twins && k == 1 {
                let (dob, older) = {
                    let older = &members[adults];
                    (older.dob, older.given)
                };
                kid.dob = dob;
                if kid.given == older {
                    kid.given = self.given_name(culture, sex, &[older]);
                }
                kid.twin = true;
                self.draw_dates(&mut kid);
                members[adults].twin = true;
            }
            used.push(kid.given);
            members.push(kid);
        }
        // What the household shares.
        let home = members[0].home.clone();
        let landline = self.rng.chance(0.6).then(|| self.plans.landline(country));
        let family_email = self
            .rng
            .chance(0.15)
            .then(|| self.family_email(&members[0]));
        let juniors_moved_out = junior && self.rng.chance(0.4);
        for (i, m) in members.iter_mut().enumerate() {
            m.in_household = true;
            let moved_out = juniors_moved_out && m.suffix == Some(Suffix::Junior);
            if !moved_out {
                m.home = home.clone();
                m.landline = landline.clone();
                if i < adults || self.rng.chance(0.5) {
                    m.family_email = family_email.clone();
                }
            }
        }
        for m in &mut members {
            self.finish_person(m, false);
        }
        Group {
            members,
            is_household: true,
        }
    }

    fn group(&mut self) -> Group {
        if self.rng.chance(self.household_chance) {
            self.household()
        } else {
            self.single()
        }
    }

    // ------------------------------------------------------------------------- records

    /// Write the records of `p` (as many as are still wanted); return how many.
    fn emit<W: Write>(
        &mut self,
        p: &Person,
        rows: &mut Rows,
        out: &mut Output<W>,
    ) -> io::Result<u64> {
        let wanted = self.config.records - self.stats.records;
        let count = (p.dates.len() as u64).min(wanted);
        for &day in p.dates.iter().take(count as usize) {
            let source = Source::ALL[self.rng.weighted(&Source::WEIGHTS)];
            rows.clear();
            self.ids
                .record_id(source, self.stats.records, rows.field(Col::RecordId));
            rows.field(Col::Source).push_str(source.name());
            self.render(p, source, day, rows);
            rows.assemble(p.number);
            out.push(&mut rows.line, &mut rows.truth)?;
            self.stats.records += 1;
            self.stats.by_source[source as usize] += 1;
        }
        if count > 0 {
            let s = &mut self.stats;
            s.persons += 1;
            s.records_per_person[count.min(8) as usize] += 1;
            s.persons_by_culture[p.culture as usize] += 1;
            s.persons_by_country[p.country as usize] += 1;
            s.household_persons += u64::from(p.in_household);
            s.common_names += u64::from(p.common_name);
            s.twins += u64::from(p.twin);
            s.junior_pairs += u64::from(p.suffix == Some(Suffix::Junior));
        }
        Ok(count)
    }

    /// Fill one record of `p` from `source`, dated `day`.
    fn render(&mut self, p: &Person, source: Source, day: i32, rows: &mut Rows) {
        let profile = source.profile();
        let script_chance = if p.culture != Culture::Persian {
            0.0
        } else if p.country == Country::Ir {
            profile.persian_script
        } else {
            profile.persian_script * 0.1
        };
        let persian = self.rng.chance(script_chance);
        let arabic = persian && self.rng.chance(0.2);
        if persian {
            self.stats.persian_script += 1;
        }
        if arabic {
            self.stats.arabic_letters += 1;
        }
        self.render_name(p, source, day, persian, arabic, rows);

        // E-mail.
        if self.rng.chance(profile.email) {
            let use_family =
                p.family_email.is_some() && (p.email.is_none() || self.rng.chance(0.35));
            let email = if use_family {
                p.family_email.as_deref()
            } else {
                p.email.as_deref()
            };
            if let Some(email) = email {
                if use_family {
                    self.stats.family_emails += 1;
                }
                self.render_email(email, source, rows);
            }
        }

        // Address (decided before phones: a record with a country lets phones be national).
        let address = p.address_at(day);
        let show_address = self.rng.chance(profile.address);
        if show_address {
            self.render_address(address, source, persian, arabic, rows);
        }
        let has_country = !rows.fields[Col::Country as usize].is_empty();

        // Phones.
        let mut shown_phone = false;
        match source {
            Source::CallCentre => {
                let phone = match (&p.mobile, &p.landline) {
                    (Some(_), Some(l)) if self.rng.chance(0.25) => Some(l),
                    (Some(m), _) => Some(m),
                    (None, l) => l.as_ref(),
                };
                if let Some(phone) = phone {
                    self.render_phone(phone, has_country, persian, rows, Col::Phone);
                    shown_phone = true;
                }
            }
            _ => {
                if let Some(m) = &p.mobile {
                    if self.rng.chance(profile.mobile) {
                        let col = if self.rng.chance(profile.mobile_column) {
                            Col::Mobile
                        } else {
                            Col::Phone
                        };
                        self.render_phone(m, has_country, persian, rows, col);
                        shown_phone = true;
                    }
                }
                if let Some(l) = &p.landline {
                    if self.rng.chance(profile.landline) {
                        self.render_phone(l, has_country, persian, rows, Col::Landline);
                        shown_phone = true;
                    }
                }
            }
        }

        // Birth date: a point of sale always takes one of birth date and phone.
        let dob_chance = if source == Source::Pos && !shown_phone {
            1.0
        } else {
            profile.dob
        };
        if self.rng.chance(dob_chance) {
            self.render_dob(p, source, persian, rows);
        }

        // National ID.
        if let Some(id) = &p.national_id {
            if self.rng.chance(profile.national_id) {
                self.render_national_id(id, persian, rows);
            }
        }

        // Gender.
        if self.rng.chance(profile.gender) {
            let g = rows.field(Col::Gender);
            let female = p.sex == Sex::Female;
            let text = if persian && self.rng.chance(0.7) {
                if female {
                    "زن"
                } else {
                    "مرد"
                }
            } else if p.country == Country::De && self.rng.chance(0.3) {
                if female {
                    "weiblich"
                } else {
                    "männlich"
                }
            } else {
                let forms: [(&str, &str); 4] = [
                    ("F", "M"),
                    ("Female", "Male"),
                    ("f", "m"),
                    ("female", "male"),
                ];
                let (f, m) = forms[self.rng.weighted(&[60, 20, 10, 10])];
                if female {
                    f
                } else {
                    m
                }
            };
            g.push_str(text);
        }

        // Missing values: any field may be blank now and then.
        let drop = self.noisy(0.02);
        for col in [Col::Email, Col::Dob, Col::Postcode, Col::City, Col::Gender] {
            if !rows.fields[col as usize].is_empty() && self.rng.chance(drop) {
                rows.field(col).clear();
            }
        }

        // Placeholders shared by unrelated persons.
        if self.rng.chance(self.config.placeholder_share) {
            let kind = self.rng.index(5);
            self.stats.placeholders[kind] += 1;
            let (col, text) = match kind {
                0 => (Col::Email, "test@test.com"),
                1 => (Col::Email, "noemail@none.com"),
                2 => (Col::Phone, "0000000000"),
                3 => (Col::Phone, "1234567890"),
                _ => (Col::Dob, "1900-01-01"),
            };
            let f = rows.field(col);
            f.clear();
            f.push_str(text);
        }

        // When the record was last updated.
        let updated = date_of(day);
        let u = rows.field(Col::UpdatedAt);
        push_padded(u, updated.year().max(0) as u64, 4);
        u.push('-');
        push_padded(u, u64::from(updated.month()), 2);
        u.push('-');
        push_padded(u, u64::from(updated.day()), 2);
    }

    /// Latin spelling of a name for this record: self-entered sources write the person's own
    /// spelling, clerks and agents choose one.
    fn choose_spelling(&mut self, name: &Name, preferred: u8, source: Source) -> &'static str {
        let n = name.spellings.len();
        let own = if source.self_entered() { 0.9 } else { 0.5 };
        let i = if n == 1 {
            0
        } else if self.rng.chance(own) {
            usize::from(preferred)
        } else {
            usize::from(self.spelling(n))
        };
        let i = i.min(n - 1);
        if i != 0 {
            self.stats.latin_variant_spellings += 1;
        }
        name.spellings[i]
    }

    fn render_name(
        &mut self,
        p: &Person,
        source: Source,
        day: i32,
        persian: bool,
        arabic: bool,
        rows: &mut Rows,
    ) {
        let profile = source.profile();
        let given_name = self.names.given(p.culture, p.sex).get(p.given);
        let family_index = p.family_at(day);
        let family_name = self.names.family(p.culture).get(family_index);
        // Buffers reused from record to record.
        let mut given = std::mem::take(&mut rows.given);
        let mut family = std::mem::take(&mut rows.family);
        let mut middle = std::mem::take(&mut rows.middle);
        given.clear();
        family.clear();
        middle.clear();
        let mut suffix = "";

        if persian {
            if let (Some(g), Some(f)) = (given_name.script, family_name.script) {
                push_persian(&mut given, g, arabic, &mut self.rng, &mut self.stats);
                push_persian(&mut family, f, arabic, &mut self.rng, &mut self.stats);
            }
        } else {
            // Given name: own spelling, nickname, or initial, then typos.
            let own_nick = p
                .nickname
                .and_then(|n| given_name.nicknames.get(usize::from(n)));
            let nick_chance = if own_nick.is_some() {
                if source.self_entered() {
                    0.6
                } else {
                    0.3
                }
            } else {
                self.noisy(profile.nickname)
            };
            if !given_name.nicknames.is_empty() && self.rng.chance(nick_chance) {
                let nick = match own_nick {
                    Some(n) => n,
                    None => self.rng.pick(&given_name.nicknames),
                };
                given.push_str(nick);
                self.stats.nicknames += 1;
            } else {
                given.push_str(self.choose_spelling(given_name, p.given_spelling, source));
                if self.rng.chance(self.noisy(profile.initial)) {
                    let first = given.chars().next().unwrap_or('X');
                    given.clear();
                    given.push(first);
                    if self.rng.chance(0.7) {
                        given.push('.');
                    }
                    self.stats.initials += 1;
                }
            }
            let spelling = if family_index == p.family {
                p.family_spelling
            } else {
                0
            };
            family.push_str(self.choose_spelling(family_name, spelling, source));
            if let Some(second) = p.second_family {
                let show = if source == Source::Crm { 0.6 } else { 0.3 };
                if self.rng.chance(show) {
                    // Written with or without accents as the first surname is.
                    let name = self.names.family(p.culture).get(second);
                    family.push(' ');
                    family.push_str(self.choose_spelling(name, p.family_spelling, source));
                }
            }
            // Typing errors.
            for text in [&mut given, &mut family] {
                if self.rng.chance(self.noisy(0.03)) && typo(text, &mut self.rng) {
                    self.stats.name_typos += 1;
                }
                if self.rng.chance(self.noisy(0.015)) && transpose(text, &mut self.rng) {
                    self.stats.transpositions += 1;
                }
            }
            if let Some(m) = p.middle {
                if self.rng.chance(profile.middle) {
                    let name = self.names.given(p.culture, p.sex).get(m);
                    middle.push_str(name.spellings[0]);
                    if self.rng.chance(0.4) {
                        middle.truncate(middle.chars().next().map_or(0, char::len_utf8));
                        middle.push('.');
                    }
                }
            }
            suffix = match p.suffix {
                Some(Suffix::Junior) if self.rng.chance(0.6) => {
                    *self.rng.pick(&["Jr.", "Jr.", "Jr", "JR"])
                }
                Some(Suffix::Senior) if self.rng.chance(0.25) => *self.rng.pick(&["Sr.", "Sr"]),
                _ => "",
            };
            if !suffix.is_empty() {
                self.stats.suffixes += 1;
            }
            // Case: clerks sometimes type in capitals, customers in lower case.
            let case = if source.self_entered() {
                if self.rng.chance(self.noisy(0.04)) {
                    2
                } else {
                    0
                }
            } else if matches!(source, Source::CallCentre | Source::Pos)
                && self.rng.chance(self.noisy(0.06))
            {
                1
            } else {
                0
            };
            if case != 0 {
                for text in [&mut given, &mut family, &mut middle] {
                    *text = if case == 1 {
                        text.to_uppercase()
                    } else {
                        text.to_lowercase()
                    };
                }
            }
        }

        let split = self.rng.chance(profile.split_name);
        if split {
            // Given and family names in their columns, now and then the wrong way round, now
            // and then without the given name.
            if !persian && self.rng.chance(self.noisy(0.02)) {
                std::mem::swap(&mut given, &mut family);
                self.stats.swapped_names += 1;
            }
            if self.rng.chance(self.noisy(0.01)) {
                given.clear();
            }
            rows.field(Col::FirstName).push_str(&given);
            rows.field(Col::MiddleName).push_str(&middle);
            let last = rows.field(Col::LastName);
            last.push_str(&family);
            if !suffix.is_empty() {
                last.push(' ');
                last.push_str(suffix);
            }
        } else {
            let full = rows.field(Col::FullName);
            if !persian && self.rng.chance(profile.family_first) {
                full.push_str(&family);
                full.push_str(", ");
                full.push_str(&given);
                if !middle.is_empty() {
                    full.push(' ');
                    full.push_str(&middle);
                }
                self.stats.family_first += 1;
            } else {
                full.push_str(&given);
                for part in [middle.as_str(), family.as_str(), suffix] {
                    if !part.is_empty() {
                        full.push(' ');
                        full.push_str(part);
                    }
                }
            }
        }
        rows.given = given;
        rows.family = family;
        rows.middle = middle;
    }

    fn render_email(&mut self, email: &str, source: Source, rows: &mut Rows) {
        let (local, domain) = email.split_once('@').unwrap_or((email, ""));
        let mut local = local.to_owned();
        let mut domain = domain.to_owned();
        let mut varied = false;
        if domain == "gmail.com" && self.rng.chance(self.noisy(0.06)) {
            // Gmail ignores dots in the local part.
            if local.contains('.') {
                local.retain(|c| c != '.');
            } else if local.len() > 3 {
                let at = 1 + self.rng.index(local.len() - 2);
                if local.is_char_boundary(at) {
                    local.insert(at, '.');
                }
            }
            varied = true;
        }
        if source.self_entered() && self.rng.chance(self.noisy(0.06)) {
            local.push('+');
            let tag = self
                .rng
                .pick(&["shop", "news", "orders", "promo", "2024", "help"]);
            local.push_str(tag);
            varied = true;
        }
        if self.rng.chance(self.noisy(0.08)) {
            match self.rng.below(3) {
                0 => {
                    local = local.to_uppercase();
                    domain = domain.to_uppercase();
                }
                1 => {
                    // Capitalised parts: John.Smith@Gmail.com
                    let mut out = String::with_capacity(local.len());
                    let mut start = true;
                    for c in local.chars() {
                        out.push(if start { c.to_ascii_uppercase() } else { c });
                        start = !c.is_ascii_alphanumeric();
                    }
                    local = out;
                    let mut d = domain.chars();
                    domain = d
                        .next()
                        .map(|c| c.to_ascii_uppercase().to_string() + d.as_str())
                        .unwrap_or_default();
                }
                _ => {
                    if let Some(c) = local.chars().next() {
                        local.replace_range(..c.len_utf8(), &c.to_ascii_uppercase().to_string());
                    }
                }
            }
            varied = true;
        }
        if self.rng.chance(self.noisy(0.01)) && typo(&mut local, &mut self.rng) {
            varied = true;
        }
        if varied {
            self.stats.email_variants += 1;
        }
        let f = rows.field(Col::Email);
        f.push_str(&local);
        f.push('@');
        f.push_str(&domain);
    }

    /// Write `phone` into `col`: mostly in national format when the record names its country;
    /// without one, US numbers are written with `+1` or nationally (a host reads those with a
    /// default region of US), others always with their country code.
    fn render_phone(
        &mut self,
        phone: &Phone,
        has_country: bool,
        persian: bool,
        rows: &mut Rows,
        col: Col,
    ) {
        let international = self.rng.chance(match (has_country, phone.country) {
            (true, _) => 0.25,
            (false, Country::Us) => 0.7,
            (false, _) => 1.0,
        });
        let mut digits = phone.nsn.clone();
        if self.rng.chance(self.noisy(0.01)) && digits.len() > 4 {
            // One mistyped digit.
            let i = 2 + self.rng.index(digits.len() - 2);
            let d = (digits.as_bytes()[i] - b'0' + 1 + self.rng.below(9) as u8) % 10;
            digits.replace_range(i..=i, &char::from(b'0' + d).to_string());
        }
        let area = &digits[..usize::from(phone.area_len).min(digits.len())];
        let mut rest: Vec<&str> = Vec::with_capacity(3);
        let mut at = area.len();
        for &g in phone.groups {
            let end = (at + usize::from(g)).min(digits.len());
            if end > at {
                rest.push(&digits[at..end]);
            }
            at = end;
        }
        if at < digits.len() {
            rest.push(&digits[at..]);
        }
        let country = phone.country;
        let cc = country.calling_code();
        let trunk = country.trunk();
        let f = rows.field(col);
        if international {
            self.stats.international_phones += 1;
            let style = self.rng.weighted(&[45, 25, 15, 15]);
            match style {
                0 => {
                    f.push('+');
                    f.push_str(cc);
                    f.push(' ');
                    f.push_str(area);
                    for r in &rest {
                        f.push(' ');
                        f.push_str(r);
                    }
                }
                1 => {
                    f.push('+');
                    f.push_str(cc);
                    f.push_str(&digits);
                }
                2 if country == Country::Us => {
                    f.push_str("+1 (");
                    f.push_str(area);
                    f.push_str(") ");
                    f.push_str(&rest.join("-"));
                }
                2 => {
                    f.push_str("00");
                    f.push_str(cc);
                    f.push(' ');
                    f.push_str(area);
                    for r in &rest {
                        f.push(' ');
                        f.push_str(r);
                    }
                }
                _ => {
                    f.push('+');
                    f.push_str(cc);
                    f.push('-');
                    f.push_str(area);
                    for r in &rest {
                        f.push('-');
                        f.push_str(r);
                    }
                }
            }
            return;
        }
        let mut text = String::with_capacity(16);
        match country {
            Country::Us => match self.rng.weighted(&[35, 25, 15, 15, 10]) {
                0 => {
                    text.push('(');
                    text.push_str(area);
                    text.push_str(") ");
                    text.push_str(&rest.join("-"));
                }
                1 => {
                    text.push_str(area);
                    text.push('-');
                    text.push_str(&rest.join("-"));
                }
                2 => {
                    text.push_str(area);
                    text.push('.');
                    text.push_str(&rest.join("."));
                }
                3 => text.push_str(&digits),
                _ => {
                    text.push_str(area);
                    text.push(' ');
                    text.push_str(&rest.join(" "));
                }
            },
            _ => match self.rng.weighted(&[50, 25, 15, 10]) {
                0 => {
                    text.push_str(trunk);
                    text.push_str(area);
                    text.push(' ');
                    text.push_str(&rest.join(" "));
                }
                1 => {
                    text.push_str(trunk);
                    text.push_str(&digits);
                }
                2 => {
                    text.push_str(trunk);
                    text.push_str(area);
                    text.push('-');
                    text.push_str(&rest.concat());
                }
                _ if country == Country::De => {
                    text.push_str(trunk);
                    text.push_str(area);
                    text.push('/');
                    text.push_str(&rest.concat());
                }
                _ if country == Country::Mx => {
                    text.push('(');
                    text.push_str(area);
                    text.push_str(") ");
                    text.push_str(&rest.join(" "));
                }
                _ => {
                    text.push_str(trunk);
                    text.push_str(area);
                    text.push(' ');
                    text.push_str(&rest.concat());
                }
            },
        }
        if persian && country == Country::Ir && self.rng.chance(0.5) {
            persian_digits(&mut text);
            self.stats.persian_digit_phones += 1;
        }
        f.push_str(&text);
    }

    fn render_dob(&mut self, p: &Person, source: Source, persian: bool, rows: &mut Rows) {
        let mut date = p.dob;
        // Corruptions of the value itself.
        let (d, m) = (date.day(), date.month());
        if d <= 12 && d != m && self.rng.chance(self.noisy(0.03)) {
            if let Some(swapped) = NaiveDate::from_ymd_opt(date.year(), d, m) {
                date = swapped;
                self.stats.dob_swaps += 1;
            }
        } else if self.rng.chance(self.noisy(0.02)) {
            for _ in 0..5 {
                let (y, m, d) = (date.year(), date.month(), date.day());
                let candidate = match self.rng.below(3) {
                    0 => NaiveDate::from_ymd_opt(y - y % 10 + self.rng.range(0, 9), m, d),
                    1 => NaiveDate::from_ymd_opt(y, m, d - d % 10 + self.rng.range(0, 9) as u32),
                    _ => NaiveDate::from_ymd_opt(y, m - m % 10 + self.rng.range(0, 9) as u32, d),
                };
                if let Some(c) = candidate.filter(|&c| c != date) {
                    date = c;
                    self.stats.dob_typos += 1;
                    break;
                }
            }
        }
        let (y, m, d) = (
            date.year().max(0) as u64,
            u64::from(date.month()),
            u64::from(date.day()),
        );
        let f = rows.field(Col::Dob);
        if persian {
            match self.rng.weighted(&[50, 15, 10, 25]) {
                kind @ (0 | 1) => {
                    if let Some((jy, jm, jd)) = to_jalali(date) {
                        let mut text = String::with_capacity(10);
                        push_padded(&mut text, jy.max(0) as u64, 4);
                        text.push('/');
                        push_padded(&mut text, u64::from(jm), 2);
                        text.push('/');
                        push_padded(&mut text, u64::from(jd), 2);
                        if kind == 0 {
                            persian_digits(&mut text);
                        }
                        f.push_str(&text);
                        self.stats.jalali_dates += 1;
                        return;
                    }
                }
                2 => {
                    let mut text = String::with_capacity(10);
                    push_padded(&mut text, y, 4);
                    text.push('/');
                    push_padded(&mut text, m, 2);
                    text.push('/');
                    push_padded(&mut text, d, 2);
                    persian_digits(&mut text);
                    f.push_str(&text);
                    return;
                }
                _ => {}
            }
        }
        let iso = 0;
        let numeric = 1;
        let words = 2;
        let compact = 3;
        let style = match source {
            Source::Crm => [iso, numeric][self.rng.weighted(&[80, 20])],
            Source::Webshop => numeric,
            Source::CallCentre => [iso, numeric, words][self.rng.weighted(&[30, 50, 20])],
            Source::Pos => [compact, numeric][self.rng.weighted(&[30, 70])],
            Source::Support => iso,
        };
        let country = p.country;
        match style {
            0 => {
                push_padded(f, y, 4);
                f.push('-');
                push_padded(f, m, 2);
                f.push('-');
                push_padded(f, d, 2);
            }
            1 if country == Country::De => {
                push_padded(f, d, 2);
                f.push('.');
                push_padded(f, m, 2);
                f.push('.');
                push_padded(f, y, 4);
            }
            1 => {
                let (a, b) = if country.day_first() { (d, m) } else { (m, d) };
                push_padded(f, a, 2);
                f.push('/');
                push_padded(f, b, 2);
                f.push('/');
                push_padded(f, y, 4);
            }
            2 => {
                let month = MONTHS[(m as usize).saturating_sub(1) % 12];
                if country.day_first() {
                    push_padded(f, d, 1);
                    f.push(' ');
                    f.push_str(month);
                    f.push(' ');
                    push_padded(f, y, 4);
                } else {
                    f.push_str(month);
                    f.push(' ');
                    push_padded(f, d, 1);
                    f.push_str(", ");
                    push_padded(f, y, 4);
                }
            }
            _ => {
                push_padded(f, y, 4);
                push_padded(f, m, 2);
                push_padded(f, d, 2);
            }
        }
    }

    fn render_address(
        &mut self,
        a: &Address,
        source: Source,
        persian: bool,
        arabic: bool,
        rows: &mut Rows,
    ) {
        let country = a.country;
        let cities = country.cities();
        let (city_names, city_fa, _) = cities[usize::from(a.city).min(cities.len() - 1)];
        let streets = country.streets();
        let (street_names, street_fa) = streets[usize::from(a.street).min(streets.len() - 1)];
        let types = country.street_types();
        let (type_full, type_abbr, type_fa) =
            types[usize::from(a.street_type).min(types.len() - 1)];
        let persian = persian && country == Country::Ir;
        // A point of sale keeps only the postcode.
        let street_wanted = source != Source::Pos && self.rng.chance(0.97);
        let mut street = String::with_capacity(40);
        if street_wanted {
            let name = street_names
                .split('|')
                .nth(usize::from(a.street_spelling))
                .unwrap_or(street_names);
            let abbreviated = self.rng.chance(0.4);
            let kind = if abbreviated { type_abbr } else { type_full };
            let mut house = String::new();
            push_padded(&mut house, u64::from(a.house), 1);
            match country {
                Country::Us => {
                    street.push_str(&house);
                    street.push(' ');
                    street.push_str(name);
                    street.push(' ');
                    street.push_str(kind);
                    if abbreviated && self.rng.chance(0.15) {
                        street.push('.');
                    }
                    if let Some((n, letter)) = a.unit {
                        let prefix = ["Apt ", "#", "Apt. ", ", Apt ", "Unit ", "Apartment "]
                            [self.rng.weighted(&[40, 25, 10, 10, 10, 5])];
                        if !prefix.starts_with(',') {
                            street.push(' ');
                        }
                        street.push_str(prefix);
                        push_padded(&mut street, u64::from(n), 1);
                        if let Some(l) = letter {
                            street.push(l);
                        }
                    }
                }
                Country::Gb => {
                    let line = format!("{house} {name} {kind}");
                    match a.unit {
                        Some((n, _)) => match self.rng.weighted(&[60, 20, 20]) {
                            0 => street.push_str(&format!("Flat {n}, {line}")),
                            1 => street.push_str(&format!("Flat {n} {line}")),
                            _ => street.push_str(&format!("{line}, Flat {n}")),
                        },
                        None => street.push_str(&line),
                    }
                }
                Country::De => {
                    street.push_str(name);
                    match (a.street_type, self.rng.weighted(&[60, 25, 15])) {
                        (0, 1) => street.push_str("str."),
                        (0, 2) => street.push_str("strasse"),
                        _ => street.push_str(if abbreviated { type_abbr } else { type_full }),
                    }
                    street.push(' ');
                    street.push_str(&house);
                }
                Country::Es | Country::Mx => {
                    street.push_str(kind);
                    street.push(' ');
                    street.push_str(name);
                    street.push_str(if self.rng.chance(0.5) { ", " } else { " " });
                    street.push_str(&house);
                }
                Country::Ir if persian => {
                    let mut text = String::with_capacity(40);
                    text.push_str(type_fa);
                    text.push(' ');
                    push_persian(&mut text, street_fa, arabic, &mut self.rng, &mut self.stats);
                    text.push_str("، پلاک ");
                    text.push_str(&house);
                    if let Some((n, _)) = a.unit {
                        text.push_str("، واحد ");
                        push_padded(&mut text, u64::from(n), 1);
                    }
                    if self.rng.chance(0.7) {
                        persian_digits(&mut text);
                    }
                    street.push_str(&text);
                }
                Country::Ir => {
                    match self.rng.weighted(&[40, 30, 30]) {
                        0 => street.push_str(&format!("No. {house}, {name} {kind}")),
                        1 => street.push_str(&format!("{name} {kind}, No {house}")),
                        _ => street.push_str(&format!("{house} {name} {kind}")),
                    }
                    if let Some((n, _)) = a.unit {
                        street.push_str(", Unit ");
                        push_padded(&mut street, u64::from(n), 1);
                    }
                }
            }
            if !persian && self.rng.chance(self.noisy(0.02)) {
                typo(&mut street, &mut self.rng);
            }
            if !persian && self.rng.chance(0.03) {
                street = street.to_uppercase();
            }
        }
        rows.field(Col::Street).push_str(&street);

        // City.
        if source != Source::Pos {
            let city = rows.field(Col::City);
            if persian && !city_fa.is_empty() {
                push_persian(city, city_fa, arabic, &mut self.rng, &mut self.stats);
            } else {
                let spelling = if self.rng.chance(0.85) {
                    usize::from(a.city_spelling)
                } else {
                    self.rng.index(city_names.split('|').count())
                };
                let name = city_names.split('|').nth(spelling).unwrap_or(city_names);
                if self.rng.chance(0.04) {
                    city.push_str(&name.to_uppercase());
                } else {
                    city.push_str(name);
                }
            }
        }

        // Postcode.
        let mut code = a.postcode.clone();
        match country {
            Country::Us if self.rng.chance(0.05) => {
                code.push('-');
                push_padded(&mut code, self.rng.below(10_000), 4);
            }
            Country::Gb => match self.rng.weighted(&[80, 15, 5]) {
                1 => code.retain(|c| c != ' '),
                2 => code = code.to_lowercase(),
                _ => {}
            },
            Country::Ir => {
                if self.rng.chance(0.3) {
                    code.insert(5, '-');
                }
                if persian && self.rng.chance(0.6) {
                    persian_digits(&mut code);
                }
            }
            _ => {}
        }
        rows.field(Col::Postcode).push_str(&code);

        // Country: always with an address, so that phones can be read in its region.
        let c = rows.field(Col::Country);
        if persian && self.rng.chance(0.4) {
            c.push_str("ایران");
        } else {
            let spellings = country.spellings();
            c.push_str(spellings[self.rng.weighted_by(spellings, |s| s.1)].0);
        }
    }

    fn render_national_id(&mut self, id: &NationalId, persian: bool, rows: &mut Rows) {
        self.stats.national_ids += 1;
        let (raw, issuer) = match id {
            NationalId::Iran(code) => (code.as_str(), "IR"),
            NationalId::Ssn(ssn) => (ssn.as_str(), "US"),
            NationalId::Nino(nino) => (nino.as_str(), "GB"),
        };
        let mut value = raw.to_owned();
        if self.rng.chance(self.noisy(0.02)) {
            // One digit mistyped.
            let positions: Vec<usize> = value
                .char_indices()
                .filter(|(_, c)| c.is_ascii_digit())
                .map(|(i, _)| i)
                .collect();
            if !positions.is_empty() {
                let i = *self.rng.pick(&positions);
                let d = (value.as_bytes()[i] - b'0' + 1 + self.rng.below(9) as u8) % 10;
                value.replace_range(i..=i, &char::from(b'0' + d).to_string());
                self.stats.id_typos += 1;
            }
        }
        let f = rows.field(Col::NationalId);
        match id {
            NationalId::Iran(_) => {
                let mut text = if self.rng.chance(0.25) && value.len() == 10 {
                    format!("{}-{}-{}", &value[..3], &value[3..9], &value[9..])
                } else {
                    value
                };
                if persian && self.rng.chance(0.5) {
                    persian_digits(&mut text);
                }
                f.push_str(&text);
            }
            NationalId::Ssn(_) => match self.rng.weighted(&[60, 30, 10]) {
                0 if value.len() == 9 => {
                    f.push_str(&format!("{}-{}-{}", &value[..3], &value[3..5], &value[5..]))
                }
                2 if value.len() == 9 => {
                    f.push_str(&format!("{} {} {}", &value[..3], &value[3..5], &value[5..]))
                }
                _ => f.push_str(&value),
            },
            NationalId::Nino(_) => {
                if self.rng.chance(0.5) && value.len() == 9 {
                    f.push_str(&format!(
                        "{} {} {} {} {}",
                        &value[..2],
                        &value[2..4],
                        &value[4..6],
                        &value[6..8],
                        &value[8..]
                    ));
                } else {
                    f.push_str(&value);
                }
            }
        }
        if self.rng.chance(0.9) {
            rows.field(Col::NationalIdIssuer).push_str(issuer);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use customer360::normalize::{IdentifierNormalizer, Normalizer, PhoneNormalizer, ValueFlags};
    use customer360::{Identifier, IdentifierKind};

    /// Generate into memory.
    fn generate_text(config: &Config) -> (String, String) {
        let mut customers = Vec::new();
        let mut truth = Vec::new();
        generate(config, &mut customers, &mut truth).expect("writing to memory works");
        (
            String::from_utf8(customers).expect("UTF-8"),
            String::from_utf8(truth).expect("UTF-8"),
        )
    }

    fn config(records: u64, seed: u64) -> Config {
        Config {
            records,
            seed,
            ..Config::default()
        }
    }

    /// Split one CSV line (quotes as `push_csv_field` writes them).
    fn split_csv(line: &str) -> Vec<String> {
        let mut fields = vec![String::new()];
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    chars.next();
                    fields.last_mut().unwrap().push('"');
                }
                ('"', _) => quoted = !quoted,
                (',', false) => fields.push(String::new()),
                (c, _) => fields.last_mut().unwrap().push(c),
            }
        }
        fields
    }

    #[test]
    fn same_arguments_give_identical_bytes() {
        let a = generate_text(&config(3_000, 7));
        let b = generate_text(&config(3_000, 7));
        assert_eq!(a, b);
        let c = generate_text(&config(3_000, 8));
        assert_ne!(a.0, c.0);
        // Writing persons' records together changes the order, not the content.
        let unshuffled = generate_text(&Config {
            shuffle_window: 0,
            ..config(3_000, 7)
        });
        let mut x: Vec<&str> = a.0.lines().collect();
        let mut y: Vec<&str> = unshuffled.0.lines().collect();
        assert_ne!(x, y);
        x.sort_unstable();
        y.sort_unstable();
        assert_eq!(x, y);
    }

    #[test]
    fn writes_exactly_the_records_asked_for_with_unique_ids() {
        for (records, window) in [(1, 100_000), (1_000, 100_000), (5_000, 700), (2_345, 0)] {
            let (customers, truth) = generate_text(&Config {
                shuffle_window: window,
                ..config(records, 11)
            });
            let lines: Vec<&str> = customers.lines().collect();
            assert_eq!(lines[0], HEADER);
            assert_eq!(lines.len() as u64, records + 1);
            let truth_lines: Vec<&str> = truth.lines().collect();
            assert_eq!(truth_lines[0], "record_id,person_id");
            assert_eq!(truth_lines.len(), lines.len());
            let mut ids = HashSet::new();
            for (line, t) in lines[1..].iter().zip(&truth_lines[1..]) {
                let fields = split_csv(line);
                assert_eq!(fields.len(), COLUMNS, "{line}");
                assert!(ids.insert(fields[0].clone()), "duplicate ID in {line}");
                let (id, person) = t.split_once(',').expect("two columns");
                assert_eq!(id, fields[0]);
                assert!(person.starts_with('p') && person.len() == 9, "{t}");
                assert!(!fields[Col::UpdatedAt as usize].is_empty());
                let source = Source::ALL
                    .iter()
                    .find(|s| s.name() == fields[Col::Source as usize])
                    .expect("a known source");
                assert!(id.starts_with(source.id_prefix()));
                // Every record names its person somehow.
                let named = [Col::FirstName, Col::LastName, Col::FullName]
                    .iter()
                    .any(|&c| !fields[c as usize].is_empty());
                assert!(named, "{line}");
            }
        }
    }

    #[test]
    fn jalali_dates_are_the_known_ones() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(to_jalali(d(1986, 7, 3)), Some((1365, 4, 12)));
        assert_eq!(to_jalali(d(2024, 3, 20)), Some((1403, 1, 1)));
        assert_eq!(to_jalali(d(2024, 3, 19)), Some((1402, 12, 29)));
        assert_eq!(to_jalali(d(2025, 3, 20)), Some((1403, 12, 30)));
        assert_eq!(to_jalali(d(1979, 2, 11)), Some((1357, 11, 22)));
    }

    #[test]
    fn national_ids_pass_their_checks() {
        let mut rng = Rng::new(5);
        let mut ids = Identifiers::new(&mut rng);
        let normalizer = IdentifierNormalizer::default();
        assert_eq!(iran_check_digit("049937089"), 9);
        let mut seen = HashSet::new();
        for _ in 0..3_000 {
            for id in [ids.iran(), ids.ssn(), ids.nino(&mut rng)] {
                let (value, issuer) = match &id {
                    NationalId::Iran(v) => (v, "IR"),
                    NationalId::Ssn(v) => (v, "US"),
                    NationalId::Nino(v) => (v, "GB"),
                };
                assert!(seen.insert(value.clone()), "{value} handed out twice");
                let n = normalizer.normalize_identifier(
                    &Identifier::new(IdentifierKind::NationalId, value.as_str())
                        .with_issuer(issuer),
                );
                assert!(
                    n.flags.contains(ValueFlags::VERIFIED),
                    "{value} {issuer}: {n:?}"
                );
            }
        }
    }

    #[test]
    fn every_phone_style_parses_to_its_number() {
        let names = Names::new();
        let cfg = Config {
            noise: 0.0,
            ..config(1, 1)
        };
        let mut g = Generator::new(&cfg, &names);
        let mut rows = Rows::default();
        let mut seen = HashSet::new();
        for country in Country::ALL {
            let region: customer360::normalize::Region = country.code().parse().unwrap();
            let national = PhoneNormalizer::with_default_region(region);
            let international = PhoneNormalizer::default();
            for i in 0..400 {
                let phone = if i % 2 == 0 {
                    g.plans.mobile(country)
                } else {
                    g.plans.landline(country)
                };
                assert!(
                    seen.insert(phone.nsn.clone()),
                    "{:?} handed out twice",
                    phone
                );
                let e164 = format!("+{}{}", country.calling_code(), phone.nsn);
                for (has_country, persian) in [(true, false), (true, true), (false, false)] {
                    rows.clear();
                    g.render_phone(&phone, has_country, persian, &mut rows, Col::Phone);
                    let text = &rows.fields[Col::Phone as usize];
                    let parser = if has_country {
                        &national
                    } else {
                        &international
                    };
                    let parsed = if !has_country && country == Country::Us {
                        national.parse(text, None)
                    } else {
                        parser.parse(text, None)
                    };
                    let parsed = parsed.unwrap_or_else(|e| panic!("{text:?}: {e}"));
                    assert_eq!(parsed.e164(), e164, "{text:?}");
                    let n = national.normalize(text);
                    assert!(!n.flags.intersects(ValueFlags::PLACEHOLDER), "{text:?}");
                }
            }
        }
    }

    #[cfg(feature = "csv")]
    #[test]
    fn records_read_and_normalise_cleanly() {
        use customer360::adapters::csv::{read_records, CsvOptions};
        use customer360::normalize::RecordNormalizer;
        let (customers, _) = generate_text(&config(20_000, 3));
        let records: Vec<_> = read_records(customers.as_bytes(), &CsvOptions::new("x"))
            .expect("a header")
            .collect::<Result<_, _>>()
            .expect("no bad rows");
        assert_eq!(records.len(), 20_000);
        let normalizer = RecordNormalizer::builder()
            .default_region("US".parse().unwrap())
            .build();
        let (mut phones, mut bad_phones) = (0, 0);
        let (mut dates, mut bad_dates) = (0, 0);
        let (mut ids, mut verified, mut bad_ids) = (0, 0, Vec::new());
        let (mut emails, mut bad_emails) = (0, 0);
        for r in &records {
            let n = normalizer.normalize(r);
            for p in &n.phones {
                phones += 1;
                bad_phones += usize::from(p.number.value.is_none());
            }
            if let Some(d) = &n.birth_date {
                dates += 1;
                bad_dates += usize::from(d.value.is_none());
            }
            for i in &n.identifiers {
                ids += 1;
                verified += usize::from(i.flags.contains(ValueFlags::VERIFIED));
                if !i.is_matchable() {
                    bad_ids.push((i.original.clone(), i.flags));
                }
            }
            for e in &n.emails {
                emails += 1;
                bad_emails += usize::from(!e.address.is_matchable());
            }
        }
        // Only the placeholder 0000000000 (and nothing else) fails to parse.
        assert!(bad_phones * 100 < phones, "{bad_phones} of {phones} phones");
        assert_eq!(bad_dates, 0, "of {dates} birth dates");
        // A mistyped SSN digit can break its structure (area 9xx, group 00): rare.
        assert!(
            bad_ids.len() * 200 < ids,
            "of {ids} national IDs: {bad_ids:?}"
        );
        // Issuer missing on a tenth, a typo on a fiftieth.
        assert!(
            verified * 100 > ids * 80,
            "{verified} of {ids} IDs verified"
        );
        // Placeholder e-mails only.
        assert!(
            bad_emails * 100 < emails,
            "{bad_emails} of {emails} e-mails"
        );
    }

    #[test]
    fn households_twins_and_juniors_hang_together() {
        let names = Names::new();
        let cfg = Config {
            households_share: 1.0,
            junior_share: 0.5,
            twins_share: 0.5,
            ..config(1, 9)
        };
        let mut g = Generator::new(&cfg, &names);
        let (first, last) = (day_number(first_record_day()), day_number(today()));
        let (mut juniors, mut twins) = (0, 0);
        for _ in 0..3_000 {
            let group = g.group();
            let members = &group.members;
            assert!(group.is_household && (2..=5).contains(&members.len()));
            for m in members {
                assert!(!m.dates.is_empty() && m.dates.len() <= 8);
                assert!(m.dates.windows(2).all(|w| w[0] <= w[1]));
                for &d in &m.dates {
                    assert!((first..=last).contains(&d));
                    assert!(d >= day_number(m.dob) + 16 * 365, "{m:?}");
                }
            }
            let home = &members[0].home;
            for m in members {
                if m.suffix != Some(Suffix::Junior) {
                    assert_eq!(m.home.postcode, home.postcode);
                    assert_eq!(m.home.house, home.house);
                }
            }
            if let Some(son) = members.iter().find(|m| m.suffix == Some(Suffix::Junior)) {
                let father = members
                    .iter()
                    .find(|m| m.suffix == Some(Suffix::Senior))
                    .expect("a Jr. has a Sr.");
                assert_eq!((son.given, son.family), (father.given, father.family));
                let years = (son.dob - father.dob).num_days() / 365;
                assert!((24..=36).contains(&years), "{years}");
                juniors += 1;
            }
            let twin_list: Vec<&Person> = members.iter().filter(|m| m.twin).collect();
            if !twin_list.is_empty() {
                assert_eq!(twin_list.len(), 2);
                assert_eq!(twin_list[0].dob, twin_list[1].dob);
                assert_ne!(twin_list[0].given, twin_list[1].given);
                twins += 1;
            }
        }
        assert!(juniors > 100 && twins > 100, "{juniors} {twins}");
    }

    #[test]
    fn name_and_place_tables_are_well_formed() {
        let names = Names::new();
        assert_eq!(
            names.common.len(),
            COMMON_NAMES.len(),
            "a common name is not in its pool"
        );
        for pool in names.given.iter().flatten().chain(&names.family) {
            assert!(!pool.names.is_empty());
            let mut firsts = HashSet::new();
            for n in &pool.names {
                assert!(!n.spellings.is_empty() && n.spellings.iter().all(|s| !s.is_empty()));
                assert!(firsts.insert(n.spellings[0]), "{} twice", n.spellings[0]);
            }
        }
        for pool in names.given[Culture::Persian as usize].iter() {
            assert!(pool.names.iter().all(|n| n.script.is_some()));
        }
        for country in Country::ALL {
            assert!(!country.cities().is_empty() && !country.streets().is_empty());
            assert!(!country.street_types().is_empty() && !country.domains().is_empty());
            for (_, _, postal) in country.cities() {
                assert!(postal.split_whitespace().count() > 0);
            }
            for (domain, _) in country.domains() {
                assert!(!domain.starts_with("example."), "{domain}");
            }
        }
    }

    #[test]
    fn permutations_are_bijections() {
        let mut rng = Rng::new(1);
        for size in [1, 2, 3, 10, 1_000, 4_097] {
            let p = Permutation::new(size, &mut rng);
            let image: HashSet<u64> = (0..size).map(|x| p.apply(x)).collect();
            assert_eq!(image.len() as u64, size);
            assert!(image.iter().all(|&y| y < size));
        }
    }

    #[test]
    fn placeholder_digits_are_recognised() {
        for d in [
            "0000000000",
            "1234567890",
            "9876543210",
            "1212121212",
            "123123123",
        ] {
            assert!(looks_like_placeholder(d), "{d}");
        }
        for d in ["9123456780", "2015550123", "0499370899"] {
            assert!(!looks_like_placeholder(d), "{d}");
        }
    }

    #[test]
    fn arguments_are_checked() {
        let parse = |args: &[&str]| parse_args(args.iter().map(|s| s.to_string()));
        let c = parse(&["--records", "1_000", "--seed=9", "--persian-share", "0.3"])
            .unwrap()
            .unwrap();
        assert_eq!((c.records, c.seed, c.persian_share), (1_000, 9, 0.3));
        assert_eq!(parse(&["--help"]), Ok(None));
        for bad in [
            &[][..],
            &["--records"],
            &["--records", "0"],
            &["--records", "-5"],
            &["--records", "ten"],
            &["--records", "200000000"],
            &["--records", "10", "--persian-share", "1.5"],
            &["--records", "10", "--noise", "NaN"],
            &["--records", "10", "--frobnicate"],
            &["--records", "10", "extra"],
            &["--records", "10", "--stats=yes"],
            &["--records", "10", "--output", ""],
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
