//! Nicknames and short forms of given names: `Bob` is `Robert`, `Liz` is `Elizabeth`, `Pepe` is
//! `José`, `Mamad` (`ممد`) is `Mohammad`.
//!
//! A [`NicknameTable`] maps a folded given name to one or more canonical given names. The
//! built-in table holds English nicknames and the common German, French, Spanish, Italian,
//! Russian (romanised) and Persian short forms, and the common romanisations of the most
//! frequent Persian/Arabic given names (so `Mohammed`, `Muhammad` and `محمد` all resolve to
//! `mohammad`). Hosts extend it with [`NicknameTable::with`].

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use super::script::has_arabic_script;
use super::{ascii_key, fold};

/// FNV-1a: a fast hash for the short keys of name tables (the tables are built from trusted
/// data; lookups with untrusted keys cannot degrade them).
#[derive(Debug, Clone, Copy)]
pub(super) struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// A hash map keyed by short names.
pub(super) type NameMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// A hash set of short names.
pub(super) type NameSet<K> = HashSet<K, BuildHasherDefault<Fnv>>;

/// The built-in nickname data: `(nickname, canonical names, primary first)`.
///
/// Entries are written in any case and with diacritics; they are folded when the table is built
/// (Latin-script keys to their ASCII key, Arabic-script keys to their [`fold`]ed form; canonical
/// names always to ASCII).
static BUILT_IN: &[(&str, &[&str])] = &[
    // ---------------------------------------------------------------- English, male
    ("Abe", &["abraham"]),
    ("Bram", &["abraham"]),
    ("Al", &["albert", "alfred", "alan"]),
    (
        "Bert",
        &["albert", "robert", "herbert", "gilbert", "bertram"],
    ),
    ("Bertie", &["albert", "robert", "bertram"]),
    ("Albie", &["albert"]),
    ("Alex", &["alexander", "alexandra"]),
    ("Alec", &["alexander"]),
    ("Alek", &["alexander"]),
    ("Xander", &["alexander"]),
    ("Lex", &["alexander"]),
    ("Sandy", &["alexander", "alexandra", "sandra"]),
    ("Sasha", &["alexander", "alexandra"]),
    ("Alf", &["alfred"]),
    ("Alfie", &["alfred"]),
    ("Fred", &["frederick", "alfred", "wilfred"]),
    ("Freddie", &["frederick", "alfred"]),
    ("Freddy", &["frederick", "alfred"]),
    ("Andy", &["andrew"]),
    ("Drew", &["andrew"]),
    ("Tony", &["anthony"]),
    ("Ant", &["anthony"]),
    ("Art", &["arthur"]),
    ("Artie", &["arthur"]),
    ("Arnie", &["arnold"]),
    ("Gus", &["augustus", "august", "augustine"]),
    ("Bart", &["bartholomew"]),
    ("Ben", &["benjamin"]),
    ("Benny", &["benjamin"]),
    ("Benji", &["benjamin"]),
    ("Bernie", &["bernard", "bernadette"]),
    ("Brad", &["bradley"]),
    ("Cal", &["calvin"]),
    ("Cam", &["cameron"]),
    ("Charlie", &["charles", "charlotte"]),
    ("Charley", &["charles"]),
    ("Chuck", &["charles"]),
    ("Chas", &["charles"]),
    ("Chaz", &["charles"]),
    ("Chip", &["charles"]),
    ("Chris", &["christopher", "christine", "christina"]),
    ("Kris", &["christopher", "christine", "christina"]),
    ("Kit", &["christopher", "katherine"]),
    ("Topher", &["christopher"]),
    ("Clem", &["clement", "clementine"]),
    ("Cliff", &["clifford"]),
    ("Curt", &["curtis"]),
    ("Dan", &["daniel"]),
    ("Danny", &["daniel"]),
    ("Dani", &["daniel", "danielle"]),
    ("Dave", &["david"]),
    ("Davey", &["david"]),
    ("Davy", &["david"]),
    ("Denny", &["dennis"]),
    ("Des", &["desmond"]),
    ("Dom", &["dominic"]),
    ("Don", &["donald"]),
    ("Donny", &["donald"]),
    ("Donnie", &["donald"]),
    ("Doug", &["douglas"]),
    ("Ed", &["edward", "edwin", "edmund", "edgar"]),
    ("Eddie", &["edward", "edwin"]),
    ("Eddy", &["edward", "edwin"]),
    ("Ned", &["edward", "edmund"]),
    ("Ted", &["edward", "theodore"]),
    ("Teddy", &["edward", "theodore"]),
    ("Eben", &["ebenezer"]),
    ("Eli", &["elijah", "elias"]),
    ("Manny", &["emmanuel", "manuel"]),
    ("Ernie", &["ernest"]),
    ("Gene", &["eugene"]),
    ("Zeke", &["ezekiel"]),
    ("Frank", &["francis", "franklin"]),
    ("Frankie", &["francis", "frances", "franklin"]),
    ("Fran", &["frances", "francis"]),
    ("Gabe", &["gabriel"]),
    ("Geoff", &["geoffrey"]),
    ("Jeff", &["jeffrey", "geoffrey"]),
    ("Georgie", &["george", "georgina", "georgia"]),
    ("Gerry", &["gerald", "geraldine"]),
    ("Jerry", &["gerald", "jerome", "jeremiah", "jeremy"]),
    ("Gil", &["gilbert"]),
    ("Greg", &["gregory"]),
    ("Hal", &["henry", "harold"]),
    ("Harry", &["henry", "harold"]),
    ("Hank", &["henry"]),
    ("Herb", &["herbert"]),
    ("Howie", &["howard"]),
    ("Iggy", &["ignatius"]),
    ("Ike", &["isaac"]),
    ("Jake", &["jacob"]),
    ("Jim", &["james"]),
    ("Jimmy", &["james"]),
    ("Jimmie", &["james"]),
    ("Jamie", &["james"]),
    ("Jem", &["james"]),
    ("Jed", &["jedidiah"]),
    ("Jack", &["john"]),
    ("Johnny", &["john"]),
    ("Jock", &["john"]),
    ("Jon", &["jonathan"]),
    ("Jonny", &["jonathan", "john"]),
    ("Joe", &["joseph"]),
    ("Joey", &["joseph"]),
    ("Jo", &["joseph", "josephine", "joanna", "joanne"]),
    ("Josh", &["joshua", "josiah"]),
    ("Ken", &["kenneth"]),
    ("Kenny", &["kenneth"]),
    ("Larry", &["lawrence", "laurence"]),
    ("Laurie", &["lawrence", "laurence"]),
    ("Len", &["leonard"]),
    ("Lenny", &["leonard"]),
    ("Leo", &["leonard", "leopold"]),
    ("Les", &["leslie", "lester"]),
    ("Lou", &["louis", "louise"]),
    ("Louie", &["louis"]),
    ("Luke", &["lucas"]),
    ("Marty", &["martin", "martha"]),
    ("Matt", &["matthew"]),
    ("Matty", &["matthew"]),
    ("Max", &["maximilian", "maxwell"]),
    ("Mike", &["michael"]),
    ("Mikey", &["michael"]),
    ("Mick", &["michael"]),
    ("Mickey", &["michael"]),
    ("Micky", &["michael"]),
    ("Mitch", &["mitchell"]),
    ("Monty", &["montgomery"]),
    ("Morty", &["mortimer"]),
    ("Nat", &["nathaniel", "natalie", "nathan"]),
    ("Nate", &["nathan", "nathaniel"]),
    ("Nick", &["nicholas"]),
    ("Nicky", &["nicholas", "nicole"]),
    ("Norm", &["norman"]),
    ("Obie", &["obadiah"]),
    ("Ollie", &["oliver", "olivia"]),
    ("Olly", &["oliver"]),
    ("Oz", &["oswald"]),
    ("Ozzy", &["oswald"]),
    ("Pat", &["patrick", "patricia"]),
    ("Paddy", &["patrick"]),
    ("Perry", &["peregrine"]),
    ("Percy", &["percival"]),
    ("Pete", &["peter"]),
    ("Phil", &["philip"]),
    ("Pip", &["philip"]),
    ("Rafe", &["raphael"]),
    ("Randy", &["randolph", "randall"]),
    ("Ray", &["raymond"]),
    ("Reg", &["reginald"]),
    ("Reggie", &["reginald"]),
    ("Rich", &["richard"]),
    ("Richie", &["richard"]),
    ("Rick", &["richard", "frederick", "roderick"]),
    ("Ricky", &["richard"]),
    ("Dick", &["richard"]),
    ("Dicky", &["richard"]),
    ("Bob", &["robert"]),
    ("Bobby", &["robert"]),
    ("Rob", &["robert"]),
    ("Robbie", &["robert"]),
    ("Robby", &["robert"]),
    ("Rod", &["rodney", "roderick"]),
    ("Rollo", &["roland"]),
    ("Ron", &["ronald", "aaron"]),
    ("Ronnie", &["ronald", "veronica"]),
    ("Ronny", &["ronald"]),
    ("Rudy", &["rudolph"]),
    ("Russ", &["russell"]),
    ("Sam", &["samuel", "samantha"]),
    ("Sammy", &["samuel", "samantha"]),
    ("Seb", &["sebastian"]),
    ("Sid", &["sidney"]),
    ("Sly", &["sylvester"]),
    ("Sol", &["solomon"]),
    ("Stan", &["stanley"]),
    ("Steve", &["stephen", "steven"]),
    ("Stevie", &["stephen", "steven"]),
    ("Stu", &["stuart"]),
    ("Terry", &["terence", "theresa"]),
    ("Thad", &["thaddeus"]),
    ("Theo", &["theodore"]),
    ("Tom", &["thomas"]),
    ("Tommy", &["thomas"]),
    ("Thom", &["thomas"]),
    ("Tim", &["timothy"]),
    ("Timmy", &["timothy"]),
    ("Toby", &["tobias"]),
    ("Val", &["valerie", "valentine"]),
    ("Vern", &["vernon"]),
    ("Vince", &["vincent"]),
    ("Vinny", &["vincent"]),
    ("Walt", &["walter"]),
    ("Wally", &["walter", "wallace"]),
    ("Wes", &["wesley"]),
    ("Bill", &["william"]),
    ("Billy", &["william"]),
    ("Will", &["william"]),
    ("Willie", &["william"]),
    ("Willy", &["william"]),
    ("Liam", &["william"]),
    ("Wilf", &["wilfred"]),
    ("Zach", &["zachary"]),
    ("Zack", &["zachary"]),
    ("Zak", &["zachary"]),
    // ---------------------------------------------------------------- English, female
    ("Abby", &["abigail"]),
    ("Abbie", &["abigail"]),
    ("Abbey", &["abigail"]),
    ("Gail", &["abigail"]),
    ("Addie", &["adelaide"]),
    ("Aggie", &["agnes"]),
    ("Allie", &["alice", "allison"]),
    ("Ally", &["allison", "alice"]),
    ("Lexi", &["alexandra"]),
    ("Lexie", &["alexandra"]),
    ("Mandy", &["amanda", "miranda"]),
    ("Millie", &["mildred", "amelia", "emily"]),
    ("Angie", &["angela", "angelina"]),
    ("Annie", &["anne"]),
    ("Toni", &["antonia"]),
    ("Barb", &["barbara"]),
    ("Barbie", &["barbara"]),
    ("Babs", &["barbara"]),
    ("Bea", &["beatrice"]),
    ("Trixie", &["beatrice"]),
    ("Biddy", &["bridget"]),
    ("Bridie", &["bridget"]),
    ("Candy", &["candace"]),
    ("Carrie", &["caroline"]),
    ("Caro", &["caroline"]),
    ("Cassie", &["cassandra"]),
    ("Kate", &["katherine"]),
    ("Katie", &["katherine"]),
    ("Katy", &["katherine"]),
    ("Katey", &["katherine"]),
    ("Kathy", &["katherine"]),
    ("Kath", &["katherine"]),
    ("Kat", &["katherine"]),
    ("Kitty", &["katherine"]),
    ("Kay", &["katherine"]),
    ("Cathy", &["katherine"]),
    ("Cathie", &["katherine"]),
    ("Cate", &["katherine"]),
    ("Catherine", &["katherine"]),
    ("Kathryn", &["katherine"]),
    ("Katharine", &["katherine"]),
    ("Cece", &["cecilia"]),
    ("Cissy", &["cecilia"]),
    ("Lottie", &["charlotte"]),
    ("Chrissy", &["christine", "christina"]),
    ("Christy", &["christine", "christina"]),
    ("Tina", &["christina", "christine"]),
    ("Connie", &["constance", "cornelia"]),
    ("Cindy", &["cynthia", "lucinda"]),
    ("Deb", &["deborah"]),
    ("Debbie", &["deborah"]),
    ("Debby", &["deborah"]),
    ("Di", &["diana"]),
    ("Dee", &["dolores"]),
    ("Dot", &["dorothy", "dorothea"]),
    ("Dottie", &["dorothy"]),
    ("Dolly", &["dorothy"]),
    ("Dora", &["dorothy", "dorothea", "theodora"]),
    ("Edie", &["edith"]),
    ("Ellie", &["eleanor", "elizabeth"]),
    ("Nell", &["eleanor", "helen", "ellen"]),
    ("Nellie", &["eleanor", "helen", "ellen"]),
    ("Nora", &["eleanor", "leonora"]),
    ("Liz", &["elizabeth"]),
    ("Lizzie", &["elizabeth"]),
    ("Lizzy", &["elizabeth"]),
    ("Liza", &["elizabeth"]),
    ("Eliza", &["elizabeth"]),
    ("Beth", &["elizabeth"]),
    ("Betty", &["elizabeth"]),
    ("Bette", &["elizabeth"]),
    ("Betsy", &["elizabeth"]),
    ("Bess", &["elizabeth"]),
    ("Bessie", &["elizabeth"]),
    ("Libby", &["elizabeth"]),
    ("Elsie", &["elizabeth"]),
    ("Lilibet", &["elizabeth"]),
    ("Em", &["emily", "emma"]),
    ("Emmy", &["emily"]),
    ("Essie", &["esther"]),
    ("Hetty", &["esther", "henrietta"]),
    ("Genie", &["eugenia"]),
    ("Evie", &["evelyn"]),
    ("Flo", &["florence"]),
    ("Flossie", &["florence"]),
    ("Fanny", &["frances"]),
    ("Gabby", &["gabrielle"]),
    ("Gabi", &["gabrielle"]),
    ("Gina", &["georgina", "regina"]),
    ("Gertie", &["gertrude"]),
    ("Trudy", &["gertrude"]),
    ("Gwen", &["gwendolyn"]),
    ("Hattie", &["harriet"]),
    ("Etta", &["henrietta"]),
    ("Bella", &["isabella", "isabel"]),
    ("Belle", &["isabella", "isabel"]),
    ("Izzy", &["isabella", "isabel"]),
    ("Jackie", &["jacqueline"]),
    ("Jacqui", &["jacqueline"]),
    ("Jenny", &["jennifer", "jane"]),
    ("Jen", &["jennifer"]),
    ("Jenn", &["jennifer"]),
    ("Jess", &["jessica"]),
    ("Jessie", &["jessica"]),
    ("Josie", &["josephine"]),
    ("Judy", &["judith"]),
    ("Jude", &["judith"]),
    ("Julie", &["julia"]),
    ("Jules", &["julia", "julian"]),
    ("Kim", &["kimberly"]),
    ("Lil", &["lillian"]),
    ("Lily", &["lillian"]),
    ("Lulu", &["louise"]),
    ("Maddie", &["madeline"]),
    ("Maddy", &["madeline"]),
    ("Maggie", &["margaret"]),
    ("Mags", &["margaret"]),
    ("Peggy", &["margaret"]),
    ("Peg", &["margaret"]),
    ("Meg", &["margaret"]),
    ("Madge", &["margaret"]),
    ("Marge", &["margaret", "marjorie"]),
    ("Margie", &["margaret", "marjorie"]),
    ("Maisie", &["margaret"]),
    ("Daisy", &["margaret"]),
    ("Greta", &["margaret"]),
    ("Mattie", &["martha", "matilda"]),
    ("Molly", &["mary"]),
    ("Mollie", &["mary"]),
    ("Polly", &["mary"]),
    ("Mae", &["mary"]),
    ("Mamie", &["mary"]),
    ("Tilly", &["matilda"]),
    ("Tilda", &["matilda"]),
    ("Mel", &["melissa", "melanie", "melvin"]),
    ("Missy", &["melissa"]),
    ("Mindy", &["melinda"]),
    ("Natty", &["natalie"]),
    ("Nikki", &["nicole"]),
    ("Liv", &["olivia"]),
    ("Livvy", &["olivia"]),
    ("Pam", &["pamela"]),
    ("Patty", &["patricia"]),
    ("Patsy", &["patricia"]),
    ("Tricia", &["patricia"]),
    ("Trish", &["patricia"]),
    ("Trisha", &["patricia"]),
    ("Penny", &["penelope"]),
    ("Cilla", &["priscilla"]),
    ("Prue", &["prudence"]),
    ("Becky", &["rebecca"]),
    ("Becca", &["rebecca"]),
    ("Rosie", &["rose", "rosemary"]),
    ("Sally", &["sarah"]),
    ("Sadie", &["sarah"]),
    ("Sandi", &["sandra"]),
    ("Sophie", &["sophia"]),
    ("Steph", &["stephanie"]),
    ("Sue", &["susan", "suzanne"]),
    ("Susie", &["susan"]),
    ("Suzy", &["susan", "suzanne"]),
    ("Tabby", &["tabitha"]),
    ("Tess", &["theresa"]),
    ("Tessa", &["theresa"]),
    ("Tessie", &["theresa"]),
    ("Vicky", &["victoria"]),
    ("Vicki", &["victoria"]),
    ("Vickie", &["victoria"]),
    ("Tori", &["victoria"]),
    ("Ginny", &["virginia"]),
    ("Ginger", &["virginia"]),
    ("Winnie", &["winifred"]),
    ("Nessa", &["vanessa"]),
    // ---------------------------------------------------------------- German
    ("Hans", &["johannes"]),
    ("Hannes", &["johannes"]),
    ("Sepp", &["josef"]),
    ("Seppi", &["josef"]),
    ("Fritz", &["friedrich"]),
    ("Heinz", &["heinrich"]),
    ("Heini", &["heinrich"]),
    ("Kurt", &["konrad"]),
    ("Uli", &["ulrich"]),
    ("Wolfi", &["wolfgang"]),
    ("Klaus", &["nikolaus"]),
    ("Basti", &["sebastian"]),
    ("Andi", &["andreas"]),
    ("Michi", &["michael"]),
    ("Poldi", &["leopold"]),
    ("Gretel", &["margarete"]),
    ("Grete", &["margarete"]),
    ("Gretchen", &["margarete"]),
    ("Liesel", &["elisabeth"]),
    ("Lisl", &["elisabeth"]),
    ("Käthe", &["katharina"]),
    ("Kathi", &["katharina"]),
    ("Resi", &["theresia"]),
    ("Steffi", &["stefanie"]),
    ("Sanne", &["susanne"]),
    // ---------------------------------------------------------------- French
    ("Jeannot", &["jean"]),
    ("Pierrot", &["pierre"]),
    ("Manu", &["emmanuel"]),
    ("Jacquot", &["jacques"]),
    ("Dédé", &["andre"]),
    ("Loulou", &["louis"]),
    ("Margot", &["marguerite"]),
    ("Babette", &["elisabeth"]),
    ("Zaza", &["isabelle"]),
    ("Toinette", &["antoinette"]),
    ("Nico", &["nicolas"]),
    // ---------------------------------------------------------------- Spanish
    ("Pepe", &["jose"]),
    ("Pepa", &["josefa"]),
    ("Paco", &["francisco"]),
    ("Pancho", &["francisco"]),
    ("Curro", &["francisco"]),
    ("Nacho", &["ignacio"]),
    ("Lupe", &["guadalupe"]),
    ("Chucho", &["jesus"]),
    ("Lola", &["dolores"]),
    ("Concha", &["concepcion"]),
    ("Conchita", &["concepcion"]),
    ("Charo", &["rosario"]),
    ("Chelo", &["consuelo"]),
    ("Quique", &["enrique"]),
    ("Kike", &["enrique"]),
    ("Memo", &["guillermo"]),
    ("Beto", &["alberto", "roberto", "humberto"]),
    ("Toño", &["antonio"]),
    ("Pili", &["pilar"]),
    ("Rafa", &["rafael"]),
    ("Fito", &["adolfo"]),
    ("Chava", &["salvador"]),
    ("Chente", &["vicente"]),
    ("Manolo", &["manuel"]),
    ("Lalo", &["eduardo"]),
    ("Nando", &["fernando"]),
    ("Tere", &["teresa"]),
    ("Juanito", &["juan"]),
    ("Pedrito", &["pedro"]),
    // ---------------------------------------------------------------- Italian
    ("Beppe", &["giuseppe"]),
    ("Peppe", &["giuseppe"]),
    ("Peppino", &["giuseppe"]),
    ("Pina", &["giuseppina"]),
    ("Gigi", &["luigi"]),
    ("Gino", &["luigi"]),
    ("Gianni", &["giovanni"]),
    ("Vanni", &["giovanni"]),
    ("Sandro", &["alessandro"]),
    ("Pippo", &["filippo"]),
    ("Totò", &["salvatore"]),
    ("Turi", &["salvatore"]),
    ("Bice", &["beatrice"]),
    ("Cecco", &["francesco"]),
    ("Checco", &["francesco"]),
    ("Enzo", &["vincenzo", "lorenzo"]),
    // ---------------------------------------------------------------- Russian (romanised)
    ("Misha", &["mikhail"]),
    ("Dima", &["dmitri"]),
    ("Volodya", &["vladimir"]),
    ("Kolya", &["nikolai"]),
    ("Vanya", &["ivan"]),
    ("Petya", &["pyotr"]),
    ("Seryozha", &["sergei"]),
    ("Alyosha", &["alexei"]),
    ("Lyosha", &["alexei"]),
    ("Kostya", &["konstantin"]),
    ("Zhenya", &["yevgeny"]),
    ("Natasha", &["natalia"]),
    ("Masha", &["maria"]),
    ("Dasha", &["daria"]),
    ("Katya", &["ekaterina"]),
    ("Tanya", &["tatiana"]),
    ("Olya", &["olga"]),
    ("Sveta", &["svetlana"]),
    ("Anya", &["anna"]),
    // ---------------------------------------------------------------- Persian and Arabic
    // Colloquial forms, in Latin and Persian script.
    ("Mamad", &["mohammad"]),
    ("Mammad", &["mohammad"]),
    ("Mamal", &["mohammad"]),
    ("ممد", &["mohammad"]),
    ("ممل", &["mohammad"]),
    ("Ebi", &["ebrahim"]),
    ("ابی", &["ebrahim"]),
    ("Fati", &["fatemeh"]),
    ("فاطی", &["fatemeh"]),
    // Common romanisations of the same name resolve to one canonical romanisation.
    ("Mohammed", &["mohammad"]),
    ("Mohamed", &["mohammad"]),
    ("Mohamad", &["mohammad"]),
    ("Muhammad", &["mohammad"]),
    ("Muhammed", &["mohammad"]),
    ("Mohammod", &["mohammad"]),
    ("Hussein", &["hossein"]),
    ("Hosein", &["hossein"]),
    ("Husain", &["hossein"]),
    ("Husein", &["hossein"]),
    ("Hasan", &["hassan"]),
    ("Ahmed", &["ahmad"]),
    ("Mehdi", &["mahdi"]),
    ("Saeid", &["saeed"]),
    ("Saied", &["saeed"]),
    ("Yusuf", &["yousef"]),
    ("Yousof", &["yousef"]),
    ("Yusef", &["yousef"]),
    ("Fatima", &["fatemeh"]),
    ("Fatimah", &["fatemeh"]),
    ("Mariam", &["maryam"]),
    ("Mustafa", &["mostafa"]),
    ("Mortaza", &["morteza"]),
    ("Zainab", &["zeinab"]),
    ("Zeynab", &["zeinab"]),
    ("Ibrahim", &["ebrahim"]),
    ("Mahmood", &["mahmoud"]),
    ("Mahmud", &["mahmoud"]),
    // Persian-script spellings resolve to the canonical romanisation.
    ("محمد", &["mohammad"]),
    ("علی", &["ali"]),
    ("حسین", &["hossein"]),
    ("حسن", &["hassan"]),
    ("رضا", &["reza"]),
    ("مهدی", &["mahdi"]),
    ("احمد", &["ahmad"]),
    ("محمود", &["mahmoud"]),
    ("مصطفی", &["mostafa"]),
    ("مرتضی", &["morteza"]),
    ("یوسف", &["yousef"]),
    ("ابراهیم", &["ebrahim"]),
    ("سعید", &["saeed"]),
    ("امیر", &["amir"]),
    ("جواد", &["javad"]),
    ("عباس", &["abbas"]),
    ("مجید", &["majid"]),
    ("حمید", &["hamid"]),
    ("فاطمه", &["fatemeh"]),
    ("زهرا", &["zahra"]),
    ("مریم", &["maryam"]),
    ("زینب", &["zeinab"]),
    ("معصومه", &["masoumeh"]),
    ("نرگس", &["narges"]),
    ("لیلا", &["leila"]),
    ("سارا", &["sara"]),
];

/// A table from nicknames and short forms to canonical given names.
///
/// Keys are folded: Latin-script names by their ASCII key (`Käthe` → `kathe`), Arabic-script
/// names by their [`fold`]ed form (`ممد`). Canonical names are ASCII. A nickname may stand for
/// several names (`alex` → `alexander`, `alexandra`); the first is the primary one. Every
/// canonical name is in the table too, as its own primary canonical, so `canonical("robert")`
/// is `"robert"`.
///
/// ```
/// use customer360::normalize::NicknameTable;
///
/// let table = NicknameTable::default();
/// assert_eq!(table.canonical("bob"), "robert");
/// assert_eq!(table.canonical("robert"), "robert");
/// assert_eq!(table.canonical("ممد"), "mohammad");
/// assert_eq!(table.canonical("zebulon"), "zebulon"); // not a nickname: itself
///
/// let alex: Vec<&str> = table.canonicals("alex").collect();
/// assert_eq!(alex, ["alexander", "alexandra"]);
/// assert!(table.are_equivalent("liz", "betty"));
/// assert!(table.are_equivalent("bill", "william"));
/// assert!(!table.are_equivalent("bill", "robert"));
///
/// // A host adds its own forms.
/// let table = NicknameTable::empty().with("Bubba", "Robert");
/// assert_eq!(table.canonical("bubba"), "robert");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NicknameTable {
    /// Folded name → canonical names, primary first.
    map: NameMap<Box<str>, Vec<Box<str>>>,
}

impl Default for NicknameTable {
    /// The built-in table.
    fn default() -> Self {
        let mut table = NicknameTable {
            map: NameMap::with_capacity_and_hasher(
                BUILT_IN.len() * 2,
                BuildHasherDefault::default(),
            ),
        };
        // Canonical names first, so that each is its own primary canonical even when it is
        // also someone's nickname.
        for (_, canonicals) in BUILT_IN {
            for canonical in *canonicals {
                let key = ascii_key(canonical);
                if !key.is_empty() {
                    table.ensure_self(&key);
                }
            }
        }
        for (nick, canonicals) in BUILT_IN {
            for canonical in *canonicals {
                table.insert(nick, canonical);
            }
        }
        table
    }
}

/// The folded lookup key of a name: Arabic-script names are folded, others ASCII-keyed.
fn name_key(name: &str) -> String {
    if has_arabic_script(name) {
        fold(name)
    } else {
        ascii_key(name)
    }
}

/// Whether `s` is already in the form Latin-script keys take (`a-z`, `0-9`, single spaces).
fn is_ascii_key_form(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b' ')
}

impl NicknameTable {
    /// A table with no entries: every name is its own canonical.
    pub fn empty() -> Self {
        NicknameTable {
            map: NameMap::default(),
        }
    }

    /// The table with `nick` added as a form of `canonical` (both folded on the way in).
    /// Adding a form that is already there changes nothing; blank names are ignored.
    #[must_use]
    pub fn with(mut self, nick: &str, canonical: &str) -> Self {
        self.insert(nick, canonical);
        self
    }

    /// Add `nick` as a form of `canonical` (both folded on the way in). `canonical` becomes
    /// its own primary canonical if it was not already. Blank names are ignored.
    pub fn insert(&mut self, nick: &str, canonical: &str) {
        let canonical = ascii_key(canonical);
        let nick = name_key(nick);
        if canonical.is_empty() || nick.is_empty() {
            return;
        }
        self.ensure_self(&canonical);
        let entry = self.map.entry(nick.into_boxed_str()).or_default();
        if !entry.iter().any(|c| **c == *canonical) {
            entry.push(canonical.into_boxed_str());
        }
    }

    /// Make `canonical` its own primary canonical.
    fn ensure_self(&mut self, canonical: &str) {
        let entry = self.map.entry(canonical.into()).or_default();
        match entry.iter().position(|c| **c == *canonical) {
            Some(0) => {}
            Some(i) => entry[..=i].rotate_right(1),
            None => entry.insert(0, canonical.into()),
        }
    }

    /// The number of names (nicknames and canonical names) in the table.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether the table has no entries.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The canonical names for a name, primary first, or `None` when the table does not know
    /// it. Looks `folded_given` up as given, and by its ASCII key when it is not in that form
    /// (`josé` is found as `jose`).
    fn entry(&self, folded_given: &str) -> Option<&[Box<str>]> {
        if let Some(found) = self.map.get(folded_given) {
            return Some(found);
        }
        if folded_given.is_empty() || is_ascii_key_form(folded_given) {
            return None;
        }
        let key = name_key(folded_given);
        if key == folded_given {
            return None;
        }
        self.map.get(key.as_str()).map(Vec::as_slice)
    }

    /// The primary canonical name for a folded given name when the table knows it (a
    /// canonical name is its own canonical); `None` for names it does not know.
    ///
    /// ```
    /// use customer360::normalize::NicknameTable;
    /// let table = NicknameTable::default();
    /// assert_eq!(table.lookup("peggy"), Some("margaret"));
    /// assert_eq!(table.lookup("margaret"), Some("margaret"));
    /// assert_eq!(table.lookup("zebulon"), None);
    /// ```
    pub fn lookup(&self, folded_given: &str) -> Option<&str> {
        self.entry(folded_given)
            .and_then(|c| c.first())
            .map(|c| &**c)
    }

    /// The canonical given name for a folded given name: the primary canonical when the table
    /// knows the name, or the name itself when it does not.
    pub fn canonical<'a>(&'a self, folded_given: &'a str) -> &'a str {
        self.lookup(folded_given).unwrap_or(folded_given)
    }

    /// Every canonical name a folded given name may stand for, primary first; just the name
    /// itself when the table does not know it.
    pub fn canonicals<'a>(&'a self, folded_given: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        let known = self.entry(folded_given).unwrap_or_default();
        let itself = if known.is_empty() {
            Some(folded_given)
        } else {
            None
        };
        known.iter().map(|c| &**c).chain(itself)
    }

    /// Whether two folded given names may name the same person: they are equal, or they share
    /// a canonical name (which covers one being the other's canonical: `bob` and `robert`).
    pub fn are_equivalent(&self, a: &str, b: &str) -> bool {
        if a == b {
            return true;
        }
        self.canonicals(a)
            .any(|ca| self.canonicals(b).any(|cb| ca == cb))
    }

    /// Every canonical name in the table (names that are the primary canonical of themselves).
    pub fn canonical_names(&self) -> impl Iterator<Item = &str> + '_ {
        self.map
            .iter()
            .filter(|(k, v)| v.first().is_some_and(|c| c == *k))
            .map(|(k, _)| &**k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_table_is_large_enough() {
        let english = BUILT_IN
            .iter()
            .position(|(nick, _)| *nick == "Hans")
            .unwrap_or(0);
        assert!(english >= 300, "only {english} English nicknames");
        assert!(NicknameTable::default().len() > 500);
    }

    #[test]
    fn every_canonical_is_its_own_canonical() {
        let table = NicknameTable::default();
        for (_, canonicals) in BUILT_IN {
            for c in *canonicals {
                let key = ascii_key(c);
                assert_eq!(table.canonical(&key), key, "{c}");
            }
        }
    }

    #[test]
    fn built_in_keys_are_in_folded_form() {
        for (nick, canonicals) in BUILT_IN {
            assert!(!name_key(nick).is_empty(), "{nick}");
            for c in *canonicals {
                assert_eq!(ascii_key(c), *c, "canonical {c} is not written folded");
            }
        }
    }

    #[test]
    fn multi_valued_nicknames() {
        let table = NicknameTable::default();
        let chris: Vec<_> = table.canonicals("chris").collect();
        assert_eq!(chris, ["christopher", "christine", "christina"]);
        assert_eq!(table.canonical("sam"), "samuel");
        assert!(table.are_equivalent("sam", "samantha"));
        assert!(table.are_equivalent("pat", "patricia"));
        assert!(table.are_equivalent("alex", "sasha"));
        assert!(!table.are_equivalent("chris", "patricia"));
    }

    #[test]
    fn lookups_fall_back_to_the_ascii_key() {
        let table = NicknameTable::default();
        assert_eq!(table.canonical("käthe"), "katharina");
        assert_eq!(table.canonical("toño"), "antonio");
        assert_eq!(table.canonical("josé"), "jose");
        assert_eq!(table.canonical("Bob"), "robert");
        assert_eq!(table.canonical("unknown-name"), "unknown-name");
    }

    #[test]
    fn persian_forms() {
        let table = NicknameTable::default();
        assert_eq!(table.canonical("ممد"), "mohammad");
        assert_eq!(table.canonical("mamad"), "mohammad");
        assert_eq!(table.canonical("محمد"), "mohammad");
        // Arabic yeh and kaf are folded away before lookup.
        assert_eq!(table.canonical("علي"), "ali");
        assert!(table.are_equivalent("ممد", "mohammed"));
    }

    #[test]
    fn with_extends_and_keeps_canonicals_primary() {
        let table = NicknameTable::empty()
            .with("Liam", "William")
            .with("Bill", "William")
            .with("Bill", "William");
        assert_eq!(table.canonicals("bill").count(), 1);
        // A name that later becomes a canonical becomes its own primary canonical.
        let table = table.with("Lee", "Liam");
        let liam: Vec<_> = table.canonicals("liam").collect();
        assert_eq!(liam, ["liam", "william"]);
        assert!(table.are_equivalent("liam", "william"));
        assert!(table.are_equivalent("lee", "liam"));
        // Blank input is ignored.
        assert_eq!(
            NicknameTable::empty().with("", "x").with("!!", "y").len(),
            0
        );
    }

    #[test]
    fn empty_table_maps_names_to_themselves() {
        let table = NicknameTable::empty();
        assert!(table.is_empty());
        assert_eq!(table.canonical("bob"), "bob");
        assert!(!table.are_equivalent("bob", "robert"));
        assert!(table.are_equivalent("bob", "bob"));
    }
}
