//! Clustering that does not collapse: scored links are accepted strongest first, and a link
//! that would join two clusters is refused when a [`MergeGuard`] finds that the clusters, as
//! wholes, do not belong together. Every refusal is recorded.
//!
//! Plain connected components (what Splink does) chain unrelated people into one cluster
//! through a single false link: a shared family e-mail, a placeholder phone. Here a link only
//! joins two clusters when the guard agrees, and the guard sees every member of both.

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
    /// `Ok` to allow `link` to merge the clusters with members `a` and `b`.
    ///
    /// Unless `a` and `b` are both single records, the verdict must depend on the members
    /// alone (in the order given), not on `link`: [`cluster`] does not ask again about two
    /// clusters it was refused, while neither has changed.
    fn check(&mut self, link: &Link, a: &[u32], b: &[u32]) -> Result<(), Refusal>;
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
    links.retain(|l| l.weight >= min_weight && l.a != l.b);
    for l in &mut links {
        if l.a > l.b {
            std::mem::swap(&mut l.a, &mut l.b);
        }
    }
    links.sort_by(|x, y| {
        y.weight
            .total_cmp(&x.weight)
            .then(x.a.cmp(&y.a))
            .then(x.b.cmp(&y.b))
    });
    let mut uf = UnionFind::new(n);
    let mut decisions = Vec::new();
    // Every later link between two clusters whose merge was refused asks again. Unless both
    // are single records (whose one link is the pair itself), the verdict depends only on
    // the members, and a root whose size is unchanged has unchanged members: clusters only
    // grow, and a root that is merged away never becomes a root again.
    let mut refused: FastMap<(u32, u32, usize, usize), Refusal> = FastMap::default();
    for link in links {
        let (ra, rb) = (uf.find(link.a), uf.find(link.b));
        if ra == rb {
            continue;
        }
        let (a, b) = (uf.members(ra), uf.members(rb));
        let state = (ra, rb, a.len(), b.len());
        let verdict = match refused.get(&state) {
            Some(refusal) => Err(refusal.clone()),
            None => {
                let verdict = guard.check(&link, a, b);
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
        decisions.push(Decision {
            link,
            refusal: verdict.err(),
        });
    }
    let mut cluster_of = vec![u32::MAX; n];
    for i in 0..n as u32 {
        let root = uf.find(i);
        let smallest = uf.members(root).iter().copied().min().unwrap_or(i);
        cluster_of[i as usize] = smallest;
    }
    Clustering {
        cluster_of,
        decisions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct AllowAll;
    impl MergeGuard for AllowAll {
        fn check(&mut self, _: &Link, _: &[u32], _: &[u32]) -> Result<(), Refusal> {
            Ok(())
        }
    }

    /// Refuses any merge that would put 0 and 3 together.
    struct Apart;
    impl MergeGuard for Apart {
        fn check(&mut self, _: &Link, a: &[u32], b: &[u32]) -> Result<(), Refusal> {
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
        fn check(&mut self, link: &Link, a: &[u32], b: &[u32]) -> Result<(), Refusal> {
            self.asked.push((a.to_vec(), b.to_vec()));
            Apart.check(link, a, b)
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
}
