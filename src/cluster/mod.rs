//! Clustering that does not collapse: scored links are accepted strongest first, and a link
//! that would join two clusters is refused when a [`MergeGuard`] finds that the clusters, as
//! wholes, do not belong together. Every refusal is recorded.
//!
//! Plain connected components (what Splink does) chain unrelated people into one cluster
//! through a single false link: a shared family e-mail, a placeholder phone. Here a link only
//! joins two clusters when the guard agrees, and the guard sees every member of both.
//!
//! Nothing a guard sees crosses a connected component of the links, so batch resolution
//! clusters the components in parallel ([`cluster_in_parallel`]) with the same result as one
//! pass over every link ([`cluster`]).

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::compare::Conflict;
use crate::util::fasthash::FastMap;

/// A scored candidate link between two records (by index).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Link {
    pub(crate) a: u32,
    pub(crate) b: u32,
    pub(crate) weight: f64,
    /// The pair's own conflict, when whoever scored the link compared the pair already
    /// (`None`: not known, a guard compares the pair itself).
    pub(crate) conflict: Option<Option<Conflict>>,
}

/// Why a link was not allowed to join two clusters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Refusal {
    /// The merged cluster would hold two different valid values of an identifier a person has
    /// only one of (national ID, passport).
    ExclusiveIdentifierConflict {
        /// The identifier kind.
        kind: String,
    },
    /// A pair across the two clusters carries evidence that rules out one person (different
    /// generational suffixes, clearly different given names on otherwise shared household
    /// details).
    Conflict {
        /// What the conflict is.
        detail: String,
    },
    /// A host said two of the records are different people (a data steward split them).
    CannotLink,
    /// The pairs across the two clusters, taken together, do not support the merge.
    WeakSupport {
        /// Mean match weight of the pairs across the clusters.
        mean_weight: f64,
        /// How many cross pairs were weighed.
        pairs: usize,
    },
}

/// Decides whether two whole clusters may merge.
pub(crate) trait MergeGuard {
    /// `Ok` to allow `link` to merge the clusters with members `a` and `b`. `known` holds
    /// the links among the records being clustered, in the same numbering as `a` and `b`:
    /// a pair across the clusters that is one of them was compared and scored already.
    ///
    /// Unless `a` and `b` are both single records, the verdict must depend on the members
    /// alone (in the order given), not on `link`: [`cluster`] does not ask again about two
    /// clusters it was refused, while neither has changed.
    fn check(
        &mut self,
        link: &Link,
        a: &[u32],
        b: &[u32],
        known: &KnownLinks,
    ) -> Result<(), Refusal>;
}

/// Links whose pair was compared when they were scored, found by their two ends, whichever
/// way round: what a [`MergeGuard`] knows of a pair across two clusters without comparing it
/// again. At a million generated records the guard weighs 856 000 cross pairs, 371 000 of
/// them links. Links scored without their comparison (real time's) tell a guard nothing it
/// need not work out again, and are not kept.
#[derive(Debug, Default)]
pub(crate) struct KnownLinks {
    /// Each compared link under its [`ends`] key, sorted by key, the first given first among
    /// equal keys.
    by_ends: Vec<(u64, Link)>,
}

/// The key of the pair `x`, `y`, the same either way round.
fn ends(x: u32, y: u32) -> u64 {
    u64::from(x.min(y)) << 32 | u64::from(x.max(y))
}

impl KnownLinks {
    /// The links in `links` whose comparison is known.
    pub(crate) fn of(links: impl IntoIterator<Item = Link>) -> Self {
        let mut known = KnownLinks::default();
        known.refill(links);
        known
    }

    /// Forget the links held and hold those in `links` whose comparison is known instead
    /// (keeping the memory).
    fn refill(&mut self, links: impl IntoIterator<Item = Link>) {
        self.by_ends.clear();
        self.by_ends.extend(
            links
                .into_iter()
                .filter(|l| l.conflict.is_some())
                .map(|l| (ends(l.a, l.b), l)),
        );
        // Stable: of two links between the same records, the first given is found.
        self.by_ends.sort_by_key(|&(key, _)| key);
    }

    /// The (first) compared link between records `x` and `y`, either way round.
    pub(crate) fn between(&self, x: u32, y: u32) -> Option<&Link> {
        let key = ends(x, y);
        let first = self.by_ends.partition_point(|&(k, _)| k < key);
        self.by_ends
            .get(first)
            .filter(|&&(k, _)| k == key)
            .map(|(_, link)| link)
    }
}

/// A link that was accepted or refused, for explanations.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Decision {
    pub(crate) link: Link,
    pub(crate) refusal: Option<Refusal>,
}

/// The outcome of clustering.
#[derive(Debug, Clone)]
pub(crate) struct Clustering {
    /// For each record, the smallest record index in its cluster.
    pub(crate) cluster_of: Vec<u32>,
    /// Every link at or above the threshold, in the order it was considered, with the
    /// refusal if it was refused. Links within an already-joined cluster are not listed.
    pub(crate) decisions: Vec<Decision>,
}

struct UnionFind {
    parent: Vec<u32>,
    /// Each root's members; empty for a root that is alone (its member is itself), so a
    /// million singletons cost no allocation.
    members: Vec<Vec<u32>>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n as u32).collect(),
            members: vec![Vec::new(); n],
        }
    }

    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grandparent = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grandparent;
            x = grandparent;
        }
        x
    }

    /// The members of root `root`.
    fn members(&self, root: u32) -> &[u32] {
        match self.members[root as usize].as_slice() {
            // A root is its own parent, so its parent entry is the one-element member list.
            [] => std::slice::from_ref(&self.parent[root as usize]),
            members => members,
        }
    }

    /// Join two roots, the smaller member list into the larger.
    fn union(&mut self, a: u32, b: u32) {
        let (big, small) = if self.members(a).len() >= self.members(b).len() {
            (a, b)
        } else {
            (b, a)
        };
        let moved = std::mem::take(&mut self.members[small as usize]);
        self.parent[small as usize] = big;
        let joined = &mut self.members[big as usize];
        if joined.is_empty() {
            joined.push(big);
        }
        match moved.is_empty() {
            true => joined.push(small),
            false => joined.extend(moved),
        }
    }
}

/// Cluster `n` records from `links`, considering only links with weight at least
/// `min_weight`, strongest first; ties are broken by record indices, so the result does not
/// depend on the order links arrive in.
pub(crate) fn cluster(
    n: usize,
    mut links: Vec<Link>,
    min_weight: f64,
    guard: &mut impl MergeGuard,
) -> Clustering {
    keep_strong_links(&mut links, min_weight);
    links.sort_by(by_strength);
    let known = KnownLinks::of(links.iter().copied());
    let (cluster_of, decided) = merge_in_order(n, &links, guard, &known);
    Clustering {
        cluster_of,
        decisions: decisions(&links, decided),
    }
}

/// [`cluster`], one connected component of the links at a time, components in parallel,
/// each with its own guard from `make_guard`. The result is the same as [`cluster`]'s with
/// any number of threads: a guard sees only the members of the two clusters a link would
/// join, and both lie in the link's component, so what happens in one component never
/// depends on another. Each component is numbered in record order, which keeps the order of
/// its links and the smallest member of each cluster.
pub(crate) fn cluster_in_parallel<G: MergeGuard + Send>(
    n: usize,
    mut links: Vec<Link>,
    min_weight: f64,
    make_guard: impl Fn() -> G + Sync,
) -> Clustering {
    keep_strong_links(&mut links, min_weight);
    // Which records are connected does not depend on the order of the links: worked out on
    // one thread (a union-find is serial) while the others sort the links.
    let ends: Vec<(u32, u32)> = links.iter().map(|l| (l.a, l.b)).collect();
    let ((), grouping) = rayon::join(|| sort_by_strength(&mut links), || Grouping::of(n, &ends));
    drop(ends);
    let components = grouping.with_positions(&links);
    let merged: Vec<Merged<'_, G>> = (0..components.len())
        .into_par_iter()
        .fold(
            || Merged {
                global: GlobalMembers {
                    guard: make_guard(),
                    records: &[],
                    known: KnownLinks::default(),
                    a: Vec::new(),
                    b: Vec::new(),
                },
                local: Vec::new(),
                cluster_of: Vec::new(),
                decided: Vec::new(),
            },
            |mut merged, c| {
                let (records, positions) = components.get(c);
                if let [position] = *positions {
                    // Two records and the link between them, the usual component.
                    let link = &links[position as usize];
                    let verdict = merged.global.guard.check(
                        link,
                        &[link.a],
                        &[link.b],
                        &KnownLinks::default(),
                    );
                    let smallest = if verdict.is_ok() { link.a } else { link.b };
                    merged.cluster_of.push((link.a, link.a));
                    merged.cluster_of.push((link.b, smallest));
                    merged.decided.push((position as usize, verdict.err()));
                    return merged;
                }
                merged.local.clear();
                merged.local.extend(positions.iter().map(|&p| {
                    let link = links[p as usize];
                    Link {
                        a: components.local[link.a as usize],
                        b: components.local[link.b as usize],
                        ..link
                    }
                }));
                merged.global.records = records;
                merged
                    .global
                    .known
                    .refill(positions.iter().map(|&p| links[p as usize]));
                // The component's guard holds the links in record numbers; none are needed
                // in its local numbers.
                let (cluster_of, decided) = merge_in_order(
                    records.len(),
                    &merged.local,
                    &mut merged.global,
                    &KnownLinks::default(),
                );
                merged.cluster_of.extend(
                    records
                        .iter()
                        .zip(cluster_of)
                        .map(|(&record, smallest)| (record, records[smallest as usize])),
                );
                merged.decided.extend(
                    decided
                        .into_iter()
                        .map(|(k, refusal)| (positions[k] as usize, refusal)),
                );
                merged
            },
        )
        .collect();
    let mut cluster_of: Vec<u32> = (0..n as u32).collect();
    let mut decided = Vec::with_capacity(merged.iter().map(|m| m.decided.len()).sum());
    for m in merged {
        for (record, smallest) in m.cluster_of {
            cluster_of[record as usize] = smallest;
        }
        decided.extend(m.decided);
    }
    decided.par_sort_unstable_by_key(|&(position, _)| position);
    Clustering {
        cluster_of,
        decisions: decisions(&links, decided),
    }
}

/// Keep the links at or above `min_weight` between two different records, each with its
/// smaller index first (to be sorted [strongest first](by_strength)).
fn keep_strong_links(links: &mut Vec<Link>, min_weight: f64) {
    links.retain(|l| l.weight >= min_weight && l.a != l.b);
    for l in links.iter_mut() {
        if l.a > l.b {
            std::mem::swap(&mut l.a, &mut l.b);
        }
    }
}

/// Strongest first, ties by record indices.
fn by_strength(x: &Link, y: &Link) -> std::cmp::Ordering {
    y.weight
        .total_cmp(&x.weight)
        .then(x.a.cmp(&y.a))
        .then(x.b.cmp(&y.b))
}

/// Sort `links` [strongest first](by_strength), into the order a stable sort by it gives,
/// on all cores: each link is keyed by one integer (its weight's total order, then its ends)
/// and its index, which compare as plain integers where [`by_strength`] turns a float's bits
/// and compares two more fields. 820 000 links at a million records, beside the union-find
/// of [`cluster_in_parallel`]: 59-62 ms by `by_strength`, 42-50 ms by key.
fn sort_by_strength(links: &mut Vec<Link>) {
    let mut keyed: Vec<(u128, usize)> = links
        .par_iter()
        .enumerate()
        .map(|(i, link)| (strength_key(link), i))
        .collect();
    keyed.par_sort_unstable();
    let sorted: Vec<Link> = keyed.par_iter().map(|&(_, i)| links[i]).collect();
    *links = sorted;
}

/// A link's place in [`by_strength`] order as an integer: the weight's bits turned so that
/// unsigned order is descending [`f64::total_cmp`] order, above the two ends.
fn strength_key(link: &Link) -> u128 {
    let bits = link.weight.to_bits();
    // Ascending total order: negative numbers' bits flipped, positive ones' sign bit set.
    let ascending = if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    };
    u128::from(!ascending) << 64 | u128::from(link.a) << 32 | u128::from(link.b)
}

/// Merge `n` records along `links` in the order given, asking `guard` about every link
/// between two clusters. Returns each record's cluster (its smallest member) and, for every
/// link considered, its index in `links` and the refusal if it was refused.
fn merge_in_order(
    n: usize,
    links: &[Link],
    guard: &mut impl MergeGuard,
    known: &KnownLinks,
) -> (Vec<u32>, Vec<(usize, Option<Refusal>)>) {
    let mut uf = UnionFind::new(n);
    let mut decided = Vec::new();
    // Every later link between two clusters whose merge was refused asks again. Unless both
    // are single records (whose one link is the pair itself), the verdict depends only on
    // the members, and a root whose size is unchanged has unchanged members: clusters only
    // grow, and a root that is merged away never becomes a root again.
    let mut refused: FastMap<(u32, u32, usize, usize), Refusal> = FastMap::default();
    for (k, link) in links.iter().enumerate() {
        let (ra, rb) = (uf.find(link.a), uf.find(link.b));
        if ra == rb {
            continue;
        }
        let (a, b) = (uf.members(ra), uf.members(rb));
        let state = (ra, rb, a.len(), b.len());
        let verdict = match refused.get(&state) {
            Some(refusal) => Err(refusal.clone()),
            None => {
                let verdict = guard.check(link, a, b, known);
                if let Err(refusal) = &verdict {
                    if a.len() * b.len() > 1 {
                        refused.insert(state, refusal.clone());
                    }
                }
                verdict
            }
        };
        if verdict.is_ok() {
            uf.union(ra, rb);
        }
        decided.push((k, verdict.err()));
    }
    let mut cluster_of = vec![u32::MAX; n];
    for i in 0..n as u32 {
        let root = uf.find(i);
        let smallest = uf.members(root).iter().copied().min().unwrap_or(i);
        cluster_of[i as usize] = smallest;
    }
    (cluster_of, decided)
}

/// The decisions on `links` (by index), in order.
fn decisions(links: &[Link], decided: Vec<(usize, Option<Refusal>)>) -> Vec<Decision> {
    decided
        .into_iter()
        .map(|(k, refusal)| Decision {
            link: links[k],
            refusal,
        })
        .collect()
}

/// The connected components of the records that links touch: each component's records in
/// ascending order and its links (as positions in the link list) in list order, so that a
/// component can be clustered on its own with records numbered `0..len`. Built in two
/// steps: [`Grouping::of`] finds the components, which do not depend on the order of the
/// links, and [`Grouping::with_positions`] lists each one's links in their final order.
struct Components {
    /// Each component's records, one component after another.
    records: Vec<u32>,
    /// Where each component's records start in `records`, and a last entry for the end.
    record_starts: Vec<usize>,
    /// Each component's link positions, one component after another.
    positions: Vec<u32>,
    /// Where each component's links start in `positions`, and a last entry for the end.
    position_starts: Vec<usize>,
    /// Each record's index within its component (unused for records without links).
    local: Vec<u32>,
}

impl Components {
    fn len(&self) -> usize {
        self.record_starts.len() - 1
    }

    /// Component `c`'s records and link positions.
    fn get(&self, c: usize) -> (&[u32], &[u32]) {
        (
            &self.records[self.record_starts[c]..self.record_starts[c + 1]],
            &self.positions[self.position_starts[c]..self.position_starts[c + 1]],
        )
    }
}

/// [`Components`] before their link positions are listed, with each record's component.
struct Grouping {
    /// Each record's component (`u32::MAX` for records without links).
    component_of: Vec<u32>,
    /// Everything but `positions`, which is empty until [`with_positions`](Self::with_positions).
    components: Components,
}

impl Grouping {
    /// The grouping of `n` records by the links between `ends`, in any order.
    fn of(n: usize, ends: &[(u32, u32)]) -> Self {
        // Union-find without member lists: only the components matter here. Each root is
        // its component's smallest record, so components are numbered in order of it.
        const UNLINKED: u32 = u32::MAX;
        let mut parent = vec![UNLINKED; n];
        let root = |parent: &mut [u32], mut x: u32| {
            while parent[x as usize] != x {
                let grandparent = parent[parent[x as usize] as usize];
                parent[x as usize] = grandparent;
                x = grandparent;
            }
            x
        };
        for &(a, b) in ends {
            for x in [a, b] {
                if parent[x as usize] == UNLINKED {
                    parent[x as usize] = x;
                }
            }
            let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
            let (low, high) = if ra < rb { (ra, rb) } else { (rb, ra) };
            parent[high as usize] = low;
        }
        // Every record's parent is smaller than itself (unions hang the larger root under
        // the smaller, and halving only shortens paths), so in record order a parent's
        // component is known before its children's: components are numbered in order of
        // their smallest record.
        let mut component_of = vec![UNLINKED; n];
        let mut record_counts: Vec<usize> = Vec::new();
        for (i, &p) in parent.iter().enumerate() {
            let c = match p {
                UNLINKED => continue,
                p if p as usize == i => {
                    record_counts.push(0);
                    record_counts.len() as u32 - 1
                }
                p => component_of[p as usize],
            };
            record_counts[c as usize] += 1;
            component_of[i] = c;
        }
        drop(parent);
        let record_starts = starts(&record_counts);
        let mut next = record_starts.clone();
        let mut records = vec![0u32; record_starts.last().copied().unwrap_or(0)];
        let mut local = vec![u32::MAX; n];
        for i in 0..n as u32 {
            let c = component_of[i as usize];
            if c != UNLINKED {
                let slot = &mut next[c as usize];
                local[i as usize] = (*slot - record_starts[c as usize]) as u32;
                records[*slot] = i;
                *slot += 1;
            }
        }
        let mut link_counts = vec![0usize; record_counts.len()];
        for &(a, _) in ends {
            link_counts[component_of[a as usize] as usize] += 1;
        }
        let position_starts = starts(&link_counts);
        Grouping {
            component_of,
            components: Components {
                records,
                record_starts,
                positions: Vec::new(),
                position_starts,
                local,
            },
        }
    }

    /// The components, with each one's links as positions in `links`, in list order: the
    /// links [`of`](Self::of) was given, in the order they will be merged in.
    fn with_positions(self, links: &[Link]) -> Components {
        let Grouping {
            component_of,
            mut components,
        } = self;
        let mut next = components.position_starts.clone();
        components.positions = vec![0u32; links.len()];
        for (p, link) in links.iter().enumerate() {
            let slot = &mut next[component_of[link.a as usize] as usize];
            components.positions[*slot] = p as u32;
            *slot += 1;
        }
        components
    }
}

/// Running totals of `counts`, starting at zero, with the grand total last.
fn starts(counts: &[usize]) -> Vec<usize> {
    let mut starts = Vec::with_capacity(counts.len() + 1);
    let mut total = 0;
    starts.push(0);
    for &count in counts {
        total += count;
        starts.push(total);
    }
    starts
}

/// What one worker made of the components it clustered.
struct Merged<'a, G> {
    global: GlobalMembers<'a, G>,
    /// Scratch: a component's links in its own numbering.
    local: Vec<Link>,
    /// Each clustered record and the smallest record of its cluster.
    cluster_of: Vec<(u32, u32)>,
    /// Each link considered (by position) and its refusal, if refused.
    decided: Vec<(usize, Option<Refusal>)>,
}

/// A guard over one component's records numbered `0..len`, asking `guard` in the records'
/// own indices.
struct GlobalMembers<'a, G> {
    guard: G,
    /// The component's records: local index to record index.
    records: &'a [u32],
    /// The component's links, in record indices.
    known: KnownLinks,
    a: Vec<u32>,
    b: Vec<u32>,
}

impl<G: MergeGuard> MergeGuard for GlobalMembers<'_, G> {
    /// Asks the guard about the members in record indices, with the component's links in
    /// record indices too (`_known`, in local indices, is not used).
    fn check(
        &mut self,
        link: &Link,
        a: &[u32],
        b: &[u32],
        _known: &KnownLinks,
    ) -> Result<(), Refusal> {
        let records = self.records;
        let global = |local: &[u32], into: &mut Vec<u32>| {
            into.clear();
            into.extend(local.iter().map(|&k| records[k as usize]));
        };
        global(a, &mut self.a);
        global(b, &mut self.b);
        let link = Link {
            a: records[link.a as usize],
            b: records[link.b as usize],
            ..*link
        };
        self.guard.check(&link, &self.a, &self.b, &self.known)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::rng::SplitMix64;

    #[test]
    fn known_links_are_found_by_their_ends_either_way_round() {
        let link = |a, b, weight| Link {
            a,
            b,
            weight,
            conflict: Some(None),
        };
        let known = KnownLinks::of([link(5, 2, 1.0), link(0, 9, 2.0), link(2, 5, 3.0)]);
        assert_eq!(
            known.between(2, 5).map(|l| l.weight),
            Some(1.0),
            "the first given"
        );
        assert_eq!(known.between(5, 2).map(|l| l.weight), Some(1.0));
        assert_eq!(known.between(9, 0).map(|l| l.weight), Some(2.0));
        assert_eq!(known.between(0, 2), None);
        assert_eq!(known.between(9, 5), None);
        assert_eq!(KnownLinks::default().between(0, 9), None);
    }

    struct AllowAll;
    impl MergeGuard for AllowAll {
        fn check(&mut self, _: &Link, _: &[u32], _: &[u32], _: &KnownLinks) -> Result<(), Refusal> {
            Ok(())
        }
    }

    /// Refuses any merge that would put 0 and 3 together.
    struct Apart;
    impl MergeGuard for Apart {
        fn check(&mut self, _: &Link, a: &[u32], b: &[u32], _: &KnownLinks) -> Result<(), Refusal> {
            let has = |s: &[u32], x| s.contains(&x);
            if (has(a, 0) && has(b, 3)) || (has(a, 3) && has(b, 0)) {
                Err(Refusal::Conflict {
                    detail: "0 and 3".into(),
                })
            } else {
                Ok(())
            }
        }
    }

    fn link(a: u32, b: u32, weight: f64) -> Link {
        Link {
            a,
            b,
            weight,
            conflict: None,
        }
    }

    #[test]
    fn connected_components_when_everything_is_allowed() {
        let c = cluster(
            5,
            vec![link(0, 1, 5.0), link(1, 2, 4.0), link(3, 4, 1.0)],
            0.0,
            &mut AllowAll,
        );
        assert_eq!(c.cluster_of, [0, 0, 0, 3, 3]);
    }

    #[test]
    fn weak_links_are_ignored() {
        let c = cluster(
            3,
            vec![link(0, 1, 5.0), link(1, 2, -1.0)],
            0.0,
            &mut AllowAll,
        );
        assert_eq!(c.cluster_of, [0, 0, 2]);
        assert_eq!(c.decisions.len(), 1);
    }

    #[test]
    fn a_chain_through_a_bridge_is_refused_and_recorded() {
        // 0-1-2 strongly, 3 linked to 2 strongly; the guard keeps 0 and 3 apart.
        let links = vec![link(0, 1, 9.0), link(1, 2, 8.0), link(2, 3, 7.0)];
        let c = cluster(4, links, 0.0, &mut Apart);
        assert_eq!(c.cluster_of, [0, 0, 0, 3]);
        let refused: Vec<_> = c.decisions.iter().filter(|d| d.refusal.is_some()).collect();
        assert_eq!(refused.len(), 1);
        assert_eq!((refused[0].link.a, refused[0].link.b), (2, 3));
    }

    #[test]
    fn links_sorted_by_key_are_in_the_order_of_a_stable_sort_by_strength() {
        // Weights from a small set, so that they tie, with both zeros, infinities and NaNs;
        // ends from a small range, so that whole links repeat (told apart by their conflict).
        let weights = [
            3.5,
            -2.0,
            0.0,
            -0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
            1e-300,
            -1e-300,
        ];
        let conflicts = [None, Some(Conflict::Generation), Some(Conflict::BirthDate)];
        let mut rng = SplitMix64::new(7);
        let mut next = |below: u64| rng.below(below);
        for round in 0..200 {
            let links: Vec<Link> = (0..next(300))
                .map(|_| Link {
                    a: next(6) as u32,
                    b: next(6) as u32,
                    weight: weights[next(weights.len() as u64) as usize],
                    conflict: Some(conflicts[next(3) as usize]),
                })
                .collect();
            let mut expected = links.clone();
            expected.sort_by(by_strength);
            let mut sorted = links;
            sort_by_strength(&mut sorted);
            let bits = |v: &[Link]| -> Vec<(u64, u32, u32, Option<Option<Conflict>>)> {
                v.iter()
                    .map(|l| (l.weight.to_bits(), l.a, l.b, l.conflict))
                    .collect()
            };
            assert_eq!(bits(&sorted), bits(&expected), "round {round}");
        }
    }

    #[test]
    fn result_does_not_depend_on_link_order() {
        let links = vec![
            link(0, 1, 3.0),
            link(2, 3, 3.0),
            link(1, 2, 3.0),
            link(3, 0, 2.0),
            link(4, 5, 1.0),
        ];
        let expected = cluster(6, links.clone(), 0.0, &mut Apart).cluster_of;
        let mut reversed = links;
        reversed.reverse();
        for l in &mut reversed {
            std::mem::swap(&mut l.a, &mut l.b);
        }
        assert_eq!(cluster(6, reversed, 0.0, &mut Apart).cluster_of, expected);
    }

    /// Refuses any merge that would put 0 and 3 together, counting what it is asked.
    #[derive(Default)]
    struct CountingApart {
        asked: Vec<(Vec<u32>, Vec<u32>)>,
    }
    impl MergeGuard for CountingApart {
        fn check(
            &mut self,
            link: &Link,
            a: &[u32],
            b: &[u32],
            _: &KnownLinks,
        ) -> Result<(), Refusal> {
            self.asked.push((a.to_vec(), b.to_vec()));
            Apart.check(link, a, b, &KnownLinks::default())
        }
    }

    #[test]
    fn a_refusal_is_reused_until_one_of_the_clusters_changes() {
        // {0,1} and {2,3} are refused once by the link 1-2, and the weaker links 0-2 and 1-3
        // between the same two clusters reuse that verdict. Then 4 joins {2,3}, so the link
        // 0-4 asks again about the changed cluster.
        let links = vec![
            link(0, 1, 9.0),
            link(2, 3, 9.0),
            link(1, 2, 8.0),
            link(0, 2, 7.0),
            link(1, 3, 6.0),
            link(3, 4, 5.0),
            link(0, 4, 4.0),
        ];
        let mut guard = CountingApart::default();
        let c = cluster(5, links, 0.0, &mut guard);
        assert_eq!(c.cluster_of, [0, 0, 2, 2, 2]);
        let refused: Vec<(u32, u32)> = c
            .decisions
            .iter()
            .filter(|d| d.refusal.is_some())
            .map(|d| (d.link.a, d.link.b))
            .collect();
        assert_eq!(refused, [(1, 2), (0, 2), (1, 3), (0, 4)]);
        let sizes: Vec<(usize, usize)> = guard
            .asked
            .iter()
            .map(|(a, b)| (a.len(), b.len()))
            .collect();
        assert_eq!(sizes, [(1, 1), (1, 1), (2, 2), (2, 1), (2, 3)]);
    }

    /// Refuses merges that would put a forbidden pair together, or grow a cluster past a
    /// size: its verdict depends on the members, as a guard's must.
    #[derive(Clone)]
    struct Forbidding {
        pairs: Vec<(u32, u32)>,
        max_size: usize,
    }
    impl MergeGuard for Forbidding {
        fn check(&mut self, _: &Link, a: &[u32], b: &[u32], _: &KnownLinks) -> Result<(), Refusal> {
            let crosses = |&(x, y): &(u32, u32)| {
                (a.contains(&x) && b.contains(&y)) || (a.contains(&y) && b.contains(&x))
            };
            if self.pairs.iter().any(crosses) {
                return Err(Refusal::CannotLink);
            }
            if a.len() + b.len() > self.max_size {
                return Err(Refusal::WeakSupport {
                    // Which members were asked about, so that a guard asked about other
                    // members (or in another order) records another refusal.
                    mean_weight: f64::from(a[0] * 1000 + b[0]),
                    pairs: a.len() * b.len(),
                });
            }
            Ok(())
        }
    }

    fn same_decisions(x: &Clustering, y: &Clustering) -> bool {
        x.decisions.len() == y.decisions.len()
            && x.decisions.iter().zip(&y.decisions).all(|(p, q)| {
                (p.link.a, p.link.b, p.link.weight.to_bits(), &p.refusal)
                    == (q.link.a, q.link.b, q.link.weight.to_bits(), &q.refusal)
            })
    }

    #[test]
    fn components_in_parallel_cluster_like_one_pass() {
        // Two components and a lone record: {0,1,2,3} (0 and 3 kept apart) and {4,5}.
        let links = vec![
            link(0, 1, 9.0),
            link(1, 2, 8.0),
            link(2, 3, 7.0),
            link(5, 4, 6.0),
            link(0, 3, 5.0),
        ];
        let guard = || Forbidding {
            pairs: vec![(0, 3)],
            max_size: usize::MAX,
        };
        let one = cluster(7, links.clone(), 0.0, &mut guard());
        let parallel = cluster_in_parallel(7, links, 0.0, guard);
        assert_eq!(parallel.cluster_of, [0, 0, 0, 3, 4, 4, 6]);
        assert_eq!(parallel.cluster_of, one.cluster_of);
        assert!(same_decisions(&parallel, &one));
        let refused: Vec<(u32, u32)> = parallel
            .decisions
            .iter()
            .filter(|d| d.refusal.is_some())
            .map(|d| (d.link.a, d.link.b))
            .collect();
        assert_eq!(refused, [(2, 3), (0, 3)]);
    }

    proptest::proptest! {
        /// Clustering component by component, on any number of threads, gives what one
        /// pass over all links gives: the same clusters and the same decisions in the same
        /// order, refusals included.
        #[test]
        fn clustering_components_in_parallel_changes_nothing(
            n in 1usize..40,
            raw in proptest::collection::vec((0u32..40, 0u32..40, -2i8..6), 0..90),
            forbidden in proptest::collection::vec((0u32..40, 0u32..40), 0..6),
            max_size in 2usize..8,
            threads in 1usize..4,
        ) {
            // Few distinct weights, so that ties are common; some below the threshold,
            // some records linked to themselves, some links written backwards.
            let links: Vec<Link> = raw
                .iter()
                .map(|&(a, b, w)| link(a % n as u32, b % n as u32, f64::from(w)))
                .collect();
            let guard = || Forbidding { pairs: forbidden.clone(), max_size };
            let one = cluster(n, links.clone(), 0.0, &mut guard());
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let parallel = pool.install(|| cluster_in_parallel(n, links, 0.0, guard));
            proptest::prop_assert_eq!(&parallel.cluster_of, &one.cluster_of);
            proptest::prop_assert!(same_decisions(&parallel, &one));
        }
    }
}
