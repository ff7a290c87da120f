#!/usr/bin/env python3
"""Splink baseline for customer360's comparison benchmark (see benches/README.md).

Requirements: splink==5.0.0 (tested; any 5.x should do), which brings duckdb, pyarrow and
sqlglot. `bash benches/compare_splink.sh --install` sets this up in target/splink-venv.

    splink_baseline.py INPUT.csv OUTPUT.csv [--threshold 0.9] [--threads N] [--seed S]
        [--u-max-pairs 1e7] [--em-max-pairs 5e6] [--recall 0.7] [--max-shared 25] [--verbose]
    splink_baseline.py --evaluate OUTPUT.csv TRUTH.csv [--tsv]

The first form deduplicates a customer CSV (customer360's generator format; missing columns
are tolerated) with Splink 5 on DuckDB, configured the way a competent user would: light
cleaning in DuckDB SQL, standard comparisons with term-frequency adjustments, several
blocking rules, u by random sampling, m by expectation maximisation, connected components
at the threshold. It writes `record_id,customer_id` for every input record (singletons
included; customer_id is the Splink cluster ID).

The second form is the evaluator the comparison script uses for both tools: pairwise and
B-cubed precision/recall/F1 and the largest predicted clusters, over the records present in
both files, with the same definitions as `customer360::evaluate`. It is pure Python (no
Splink needed) and counts pairs per cluster (n*(n-1)/2), so it is quick for a million rows.
"""

import argparse
import csv
import logging
import sys
import time
import traceback
from collections import Counter

REQUIRED_SPLINK_MAJOR = 5

# Every column the generator writes. Absent ones are treated as empty.
COLUMNS = [
    "record_id", "source", "first_name", "middle_name", "last_name", "full_name", "email",
    "phone", "mobile", "landline", "dob", "street", "city", "postcode", "country",
    "national_id", "national_id_issuer", "gender", "updated_at",
]

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩"
ASCII_DIGITS = "01234567890123456789"
NULL_TOKENS = ("", "n/a", "na", "null", "none", "nil", "unknown", "-", "--", "?", ".")
TITLES = ("mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam")
DOB_FORMATS = [
    "%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y",
    "%m/%d/%Y", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%Y-%m-%dT%H:%M:%S",
]


def log(message):
    print(f"splink_baseline: {message}", file=sys.stderr, flush=True)


def sql_str(value):
    return "'" + str(value).replace("'", "''") + "'"


# --------------------------------------------------------------------------------------------
# Evaluation (pure Python)
# --------------------------------------------------------------------------------------------


def read_labels(path):
    """record_id -> label from a two-column CSV with a header."""
    labels = {}
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader, None)
        for row in reader:
            if len(row) >= 2:
                labels[row[0].strip()] = row[1].strip()
    return labels


def evaluate(predicted_path, truth_path):
    truth = read_labels(truth_path)
    predicted = read_labels(predicted_path)
    pred_sizes, true_sizes, both = Counter(), Counter(), Counter()
    records = 0
    for record, p in predicted.items():
        t = truth.get(record)
        if t is None:
            continue
        records += 1
        pred_sizes[p] += 1
        true_sizes[t] += 1
        both[(p, t)] += 1

    def pairs(counter):
        return sum(n * (n - 1) // 2 for n in counter.values())

    def prf(p, r):
        return (p, r, 2 * p * r / (p + r) if p + r > 0 else 0.0)

    predicted_pairs, true_pairs, correct_pairs = pairs(pred_sizes), pairs(true_sizes), pairs(both)
    pairwise = prf(correct_pairs / predicted_pairs if predicted_pairs else 1.0,
                   correct_pairs / true_pairs if true_pairs else 1.0)
    bp = sum(c * c / pred_sizes[p] for (p, _), c in both.items())
    br = sum(c * c / true_sizes[t] for (_, t), c in both.items())
    b_cubed = prf(bp / records, br / records) if records else (1.0, 1.0, 1.0)
    largest = sorted(pred_sizes.values(), reverse=True)[:5]
    return {
        "records": records,
        "missing": sum(1 for r in truth if r not in predicted),
        "unknown": sum(1 for r in predicted if r not in truth),
        "clusters": len(pred_sizes),
        "predicted_pairs": predicted_pairs,
        "true_pairs": true_pairs,
        "correct_pairs": correct_pairs,
        "pairwise": pairwise,
        "b_cubed": b_cubed,
        "largest": largest,
    }


def print_evaluation(e, predicted_path, truth_path, tsv):
    if tsv:
        # records, clusters, pairwise P R F1, B-cubed P R F1, largest clusters, missing
        fields = [e["records"], e["clusters"]]
        fields += [f"{x:.4f}" for x in e["pairwise"] + e["b_cubed"]]
        fields += [",".join(map(str, e["largest"])), e["missing"]]
        print("\t".join(map(str, fields)))
        return
    print(
        f"{predicted_path} against {truth_path}: {e['records']} records in "
        f"{e['clusters']} clusters; pairwise precision {e['pairwise'][0]:.4f} "
        f"recall {e['pairwise'][1]:.4f} F1 {e['pairwise'][2]:.4f}; B-cubed precision "
        f"{e['b_cubed'][0]:.4f} recall {e['b_cubed'][1]:.4f} F1 {e['b_cubed'][2]:.4f}; "
        f"largest clusters {e['largest']}"
    )
    if e["missing"] or e["unknown"]:
        print(f"  {e['missing']} truth records missing from the output, "
              f"{e['unknown']} output records not in the truth (both left out)")


# --------------------------------------------------------------------------------------------
# Cleaning (DuckDB SQL)
# --------------------------------------------------------------------------------------------


def load_and_clean(con, input_path, max_shared):
    """Read INPUT into table `raw` (all text) and build the cleaned table `customers`."""
    con.execute(
        "CREATE TABLE raw AS SELECT * FROM read_csv("
        f"{sql_str(input_path)}, header = true, all_varchar = true, quote = '\"', "
        "escape = '\"', strict_mode = false)"
    )
    present = {row[0].lower(): row[0] for row in con.execute("DESCRIBE raw").fetchall()}
    id_column = next((present[c] for c in ("record_id", "rec_id", "id") if c in present), None)
    if id_column is None:
        raise SystemExit("splink_baseline: the input has no record_id column")

    def col(name):
        if name == "record_id":
            return f'trim(raw."{id_column}")'
        if name in present:
            return f'c360_txt(raw."{present[name]}")'
        return "NULL::VARCHAR"

    nulls = ", ".join(sql_str(t) for t in NULL_TOKENS)
    titles = ", ".join(sql_str(t) for t in TITLES)
    con.execute(f"""
        CREATE MACRO c360_txt(x) AS
            CASE WHEN lower(trim(x)) IN ({nulls}) THEN NULL ELSE trim(x) END;
        -- lower case, no accents, Arabic letter variants and ZWNJ folded (Persian names),
        -- punctuation to spaces, whitespace collapsed
        CREATE MACRO c360_name(x) AS nullif(trim(regexp_replace(regexp_replace(
            lower(strip_accents(translate(x, 'يكة' || chr(8204), 'یکه'))),
            '[^\\p{{L}}\\p{{M}}\\p{{N}}''-]+', ' ', 'g'), '\\s+', ' ', 'g')), '');
        CREATE MACRO c360_tokens(x) AS
            list_filter(string_split(c360_name(x), ' '), lambda t: t NOT IN ({titles}));
        CREATE MACRO c360_digits(x) AS
            nullif(regexp_replace(translate(x, '{PERSIAN_DIGITS}', '{ASCII_DIGITS}'),
                                  '[^0-9]', '', 'g'), '');
    """)

    con.execute(f"""
        CREATE TABLE staged AS
        SELECT
            {col('record_id')} AS record_id,
            lower({col('source')}) AS source,
            nullif(array_to_string(c360_tokens({col('first_name')}), ' '), '') AS given_raw,
            c360_name({col('last_name')}) AS family_raw,
            {col('full_name')} AS full_raw,
            lower({col('email')}) AS email_raw,
            c360_digits(coalesce({col('mobile')}, {col('phone')}, {col('landline')}))
                AS phone_raw,
            translate({col('dob')}, '{PERSIAN_DIGITS}', '{ASCII_DIGITS}') AS dob_raw,
            {col('street')} AS street_raw,
            c360_name({col('city')}) AS city,
            lower(regexp_replace({col('postcode')}, '[^0-9A-Za-z]', '', 'g')) AS postcode,
            lower(regexp_replace(
                translate({col('national_id')}, '{PERSIAN_DIGITS}', '{ASCII_DIGITS}'),
                '[^0-9A-Za-z]', '', 'g')) AS national_id
        FROM raw
    """)
    con.execute("DROP TABLE raw")

    # Split full_name into given and family names when the parts are empty:
    # "Family, Given ..." or "Given ... Family".
    con.execute(f"""
        CREATE TABLE customers AS
        WITH named AS (
            SELECT *,
                CASE WHEN given_raw IS NULL AND family_raw IS NULL AND full_raw IS NOT NULL
                     THEN CASE WHEN full_raw LIKE '%,%'
                               THEN [c360_tokens(split_part(full_raw, ',', 2))[1],
                                     array_to_string(
                                        c360_tokens(split_part(full_raw, ',', 1)), ' ')]
                               ELSE [c360_tokens(full_raw)[1],
                                     CASE WHEN len(c360_tokens(full_raw)) > 1
                                          THEN c360_tokens(full_raw)[-1] END]
                          END
                END AS split_name,
                try_strptime(dob_raw, {DOB_FORMATS!r})::DATE AS dob_parsed
            FROM staged
        )
        SELECT
            record_id,
            source,
            nullif(coalesce(given_raw, split_name[1]), '') AS first_name,
            nullif(coalesce(family_raw, split_name[2]), '') AS last_name,
            CASE WHEN regexp_matches(email_raw, '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$')
                 THEN regexp_replace(email_raw, '\\+[^@]*@', '@') END AS email,
            -- the last 9 digits, so +1 555 ..., 001555... and (555) ... agree
            CASE WHEN length(phone_raw) >= 7
                  AND length(replace(phone_raw, left(phone_raw, 1), '')) > 0
                 THEN right(phone_raw, 9) END AS phone,
            -- 1900-01-01 and earlier are placeholders, or Jalali years (13xx) read as
            -- Gregorian: unknown
            CASE WHEN dob_parsed > DATE '1900-01-01' AND dob_parsed <= current_date
                 THEN dob_parsed END AS dob,
            nullif(trim(regexp_replace(regexp_replace(regexp_replace(
                lower(street_raw), '[^\\p{{L}}\\p{{N}}]+', ' ', 'g'),
                '\\b(street|str)\\b', 'st', 'g'),
                '\\b(road)\\b', 'rd', 'g')), '') AS street,
            city,
            nullif(postcode, '') AS postcode,
            CASE WHEN length(national_id) >= 4
                  AND length(replace(national_id, left(national_id, 1), '')) > 0
                 THEN national_id END AS national_id
        FROM named
    """)
    con.execute("DROP TABLE staged")
    # Values shared by many records (test@test.com, 0000000, a shop's phone) are placeholders,
    # not evidence: a user would spot them when profiling the data and blank them.
    for column in ("email", "phone", "national_id"):
        con.execute(f"""
            UPDATE customers SET {column} = NULL
            WHERE {column} IN (SELECT {column} FROM customers WHERE {column} IS NOT NULL
                               GROUP BY {column} HAVING count(*) > {int(max_shared)})
        """)
    total, distinct_ids = con.execute(
        "SELECT count(*), count(DISTINCT record_id) FROM customers").fetchall()[0]
    if total != distinct_ids:
        raise SystemExit(f"splink_baseline: record_id is not unique ({total} rows, "
                         f"{distinct_ids} distinct IDs)")
    filled = {}
    for column in ("first_name", "last_name", "email", "phone", "dob", "street", "city",
                   "postcode", "national_id"):
        filled[column] = con.execute(
            f"SELECT count({column}) FROM customers").fetchall()[0][0]
    return total, filled


# --------------------------------------------------------------------------------------------
# Splink
# --------------------------------------------------------------------------------------------


def clamp_em_zeros():
    """Work around a Splink 5.0.0 bug: an EM iteration can estimate an m (or u) probability
    of exactly 0 (a level never seen among the matches of the training block, e.g. "different
    postcode" when nobody moved), and 5.0.0's new check in the m/u setters then aborts the
    whole training session with "m_probability value 0.0 is below the minimum allowed value
    of 1e-300". Splink clamps to that minimum anyway when it turns m and u into match weights,
    so clamp the EM estimates to it before they reach the setters."""
    try:
        import splink.internals.expectation_maximisation as em
        from splink.internals.comparison_level import M_U_CLAMP_MIN

        original = em.m_u_records_to_lookup_dict
    except (ImportError, AttributeError):  # a later 5.x reorganised: run unpatched
        log("Splink internals changed: EM runs without the zero-m workaround")
        return
    if getattr(original, "c360_clamped", False):
        return

    def clamped(records):
        for record in records:
            for key in ("m_probability", "u_probability"):
                value = record.get(key)
                if isinstance(value, (int, float)) and 0 <= value < M_U_CLAMP_MIN:
                    record[key] = M_U_CLAMP_MIN
        return original(records)

    clamped.c360_clamped = True
    em.m_u_records_to_lookup_dict = clamped


def run_splink(args):
    try:
        import duckdb
        import splink
        import splink.comparison_library as cl
        from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    except ImportError as e:
        raise SystemExit(f"splink_baseline: {e}; install Splink {REQUIRED_SPLINK_MAJOR} "
                         "(bash benches/compare_splink.sh --install)")
    major = int(splink.__version__.split(".")[0])
    if major != REQUIRED_SPLINK_MAJOR:
        raise SystemExit(f"splink_baseline: needs Splink {REQUIRED_SPLINK_MAJOR}.x, "
                         f"found {splink.__version__}")
    log(f"Splink {splink.__version__}, DuckDB {duckdb.__version__}")
    clamp_em_zeros()

    started = time.perf_counter()
    stage_start = started

    def stage(name):
        nonlocal stage_start
        now = time.perf_counter()
        log(f"{name}: {now - stage_start:.2f}s")
        stage_start = now

    con = duckdb.connect()
    if args.threads:
        con.execute(f"SET threads = {int(args.threads)}")
    total, filled = load_and_clean(con, args.input, args.max_shared)
    stage(f"read and cleaned {total} records "
          f"(non-empty: {', '.join(f'{k} {v}' for k, v in filled.items())})")

    def has(*columns):
        return all(filled.get(c, 0) > 0 for c in columns)

    comparisons = []
    if has("first_name"):
        comparisons.append(cl.NameComparison("first_name").configure(
            term_frequency_adjustments=True))
    if has("last_name"):
        comparisons.append(cl.NameComparison("last_name").configure(
            term_frequency_adjustments=True))
    if has("dob"):
        comparisons.append(cl.DateOfBirthComparison("dob", input_is_string=False))
    if has("email"):
        comparisons.append(cl.EmailComparison("email"))
    if has("phone"):
        comparisons.append(cl.LevenshteinAtThresholds("phone", [1, 2]).configure(
            term_frequency_adjustments=True))
    if has("street"):
        comparisons.append(cl.JaroWinklerAtThresholds("street", [0.95, 0.88]))
    if has("postcode"):
        comparisons.append(cl.ExactMatch("postcode").configure(
            term_frequency_adjustments=True))
    if has("city"):
        comparisons.append(cl.ExactMatch("city").configure(term_frequency_adjustments=True))
    if has("national_id"):
        comparisons.append(cl.ExactMatch("national_id"))

    def rules(*candidates):
        return [block_on(*cols) for cols in candidates if has(*cols)]

    prediction_rules = rules(
        ("email",), ("phone",), ("national_id",), ("first_name", "last_name"),
        ("dob", "last_name"), ("dob", "first_name"), ("postcode", "dob"),
    )
    if not comparisons or not prediction_rules:
        raise SystemExit("splink_baseline: no usable columns to compare or block on")

    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=prediction_rules,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI(connection=con)
    df = db_api.register("customers")
    linker = Linker(df, settings,
                    log_level=logging.INFO if args.verbose else logging.WARNING)
    stage("settings and linker")

    deterministic = rules(("national_id",), ("email", "first_name"),
                          ("first_name", "last_name", "dob"), ("phone", "first_name"))
    if deterministic:
        try:
            linker.training.estimate_probability_two_random_records_match(
                deterministic, recall=args.recall)
        except ValueError as e:  # tiny inputs: more exact matches than the recall allows
            log(f"estimate_probability_two_random_records_match: {e}; keeping the default")
    stage("probability two random records match")

    linker.training.estimate_u_using_random_sampling(max_pairs=args.u_max_pairs,
                                                     seed=args.seed)
    stage("u by random sampling")

    trained = 0
    for em_columns in (("first_name", "last_name"), ("dob",), ("email",)):
        if not has(*em_columns):
            continue
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                block_on(*em_columns), max_pairs=args.em_max_pairs)
            trained += 1
        except Exception as e:  # e.g. no pairs for this rule on a small input
            log(f"EM blocked on {' + '.join(em_columns)}: {type(e).__name__}: {e}")
            if args.verbose:
                traceback.print_exc()
    if trained == 0:
        raise SystemExit("splink_baseline: expectation maximisation failed for every rule")
    stage(f"m by expectation maximisation ({trained} sessions)")

    predictions = linker.inference.predict(threshold_match_probability=args.threshold,
                                           warning_mode="never")
    edges = con.execute(f"SELECT count(*) FROM {predictions.physical_name}").fetchall()[0][0]
    stage(f"predict ({edges} pairs at p >= {args.threshold})")

    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=args.threshold)
    stage("connected components")

    # Every input record, singletons included (a record missing from the clustering would be
    # its own customer).
    con.execute(f"""
        COPY (
            SELECT c.record_id, coalesce(k.cluster_id, c.record_id) AS customer_id
            FROM customers c LEFT JOIN {clusters.physical_name} k USING (record_id)
        ) TO {sql_str(args.output)} (FORMAT csv, HEADER true)
    """)
    written, customers = con.execute(f"""
        SELECT count(*), count(DISTINCT customer_id) FROM read_csv({sql_str(args.output)},
            header = true, all_varchar = true)
    """).fetchall()[0]
    if written != total:
        raise SystemExit(f"splink_baseline: wrote {written} rows for {total} records")
    stage(f"wrote {written} records in {customers} customers to {args.output}")
    log(f"total {time.perf_counter() - started:.2f}s")


def main():
    parser = argparse.ArgumentParser(
        description="Splink 5 baseline and shared evaluator for customer360's comparison.")
    parser.add_argument("input", nargs="?", help="customer CSV to deduplicate")
    parser.add_argument("output", nargs="?", help="where to write record_id,customer_id")
    parser.add_argument("--evaluate", nargs=2, metavar=("OUTPUT.csv", "TRUTH.csv"),
                        help="score a record_id,customer_id file against a truth file")
    parser.add_argument("--tsv", action="store_true",
                        help="with --evaluate: one tab-separated line for scripts")
    parser.add_argument("--threshold", type=float, default=0.9,
                        help="match probability for predict and clustering (default 0.9)")
    parser.add_argument("--threads", type=int, default=0,
                        help="DuckDB threads (default: DuckDB's choice, all cores)")
    parser.add_argument("--seed", type=int, default=42, help="seed for u sampling")
    parser.add_argument("--u-max-pairs", type=float, default=1e7,
                        help="pairs sampled to estimate u (default 1e7)")
    parser.add_argument("--em-max-pairs", type=float, default=5e6,
                        help="cap on pairs per EM session (default 5e6)")
    parser.add_argument("--recall", type=float, default=0.7,
                        help="assumed recall of the deterministic rules (default 0.7)")
    parser.add_argument("--max-shared", type=int, default=25,
                        help="blank email/phone/national_id values shared by more records "
                             "than this, as placeholders (default 25)")
    parser.add_argument("--verbose", action="store_true", help="Splink's own INFO logging")
    args = parser.parse_args()

    if args.evaluate:
        if args.input or args.output:
            parser.error("--evaluate takes OUTPUT.csv TRUTH.csv and no other files")
        e = evaluate(*args.evaluate)
        print_evaluation(e, *args.evaluate, args.tsv)
        return
    if not args.input or not args.output:
        parser.error("INPUT.csv and OUTPUT.csv are required (or --evaluate OUT TRUTH)")
    if not 0 < args.threshold < 1:
        parser.error("--threshold must be strictly between 0 and 1")
    run_splink(args)


if __name__ == "__main__":
    main()
