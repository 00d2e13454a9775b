"""Measure related stories and same-story grouping against labelled news.

Three labelled sets from ``../shared/corpus/related/`` (see its MANIFEST.md) are
loaded into temporary termnews caches **through the normal ingest path**
(``Store.add_feed`` + ``Store.ingest`` of ``ParsedFeed``/``EntryData`` per feed,
then ``refresh.after_ingest`` once, as one refresh would), and termnews is asked
the questions a reader asks:

* **ECB+** (982 articles, 86 events in 43 topic pairs of similar events): one
  feed per source site (per article when the URL is unknown). For each
  article, the related list is judged against its event cluster: precision@5,
  MAP (over the top ``DEPTH``), and the share of (same-topic-other-event,
  same-event) pairs ranked the wrong way round. termnews's ``story_id`` groups
  are scored with B-cubed precision/recall/F1 and the adjusted Rand index.
* **BBC** (1,490 articles, 5 categories), one feed: precision@5 of same-category
  results.
* **Lee 2005** (50 documents, 1,225 human-rated pairs), one feed, plus the 300
  background documents from the same source as the rest of the "cache":
  Pearson and Spearman correlation of termnews's pairwise similarity with the
  mean human rating.

Beside each figure stands a **plain TF-IDF cosine baseline** computed here
over the same texts (title + text): lower-cased ``\\w\\w+`` tokens, raw term
counts, smooth idf ln((1+N)/(1+df))+1, L2-normalised, cosine; the same corpus
(so the same idf) as termnews's cache. The baseline's grouping is the same
single-pass clustering termnews uses, on TF-IDF cosine, with its threshold
chosen by sweeping on ECB+ itself: an oracle choice that favours the baseline.

Usage::

    python benchmarks/related_quality.py            # prints tables
    python benchmarks/related_quality.py --write    # also writes benchmarks/RELATED.md
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from termnews.core import refresh, related
from termnews.core.models import EntryData, ParsedFeed
from termnews.core.related import article_similarity, related_articles
from termnews.core.store import Store

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "related"
DEPTH = 50
"""Ranked-list depth for MAP and the hard-negative share (both methods cut here)."""
SEED = 20261124


@dataclass(frozen=True)
class Doc:
    """One labelled article as it will be fed to termnews."""

    key: str
    feed: str
    title: str
    text: str
    link: str | None
    label: str
    topic: str = ""


# ------------------------------------------------------------------ loading


def load_ecb() -> list[Doc]:
    docs = []
    path = CORPUS / "ecbplus-story-clusters" / "ecbplus_documents.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        sentences = [s.strip() for s in d["sentences"] if s.strip()]
        url = d["url"]
        host = urlsplit(url).netloc.lower().removeprefix("www.") if url else ""
        feed = host or f"doc-{d['doc_name']}"
        docs.append(
            Doc(
                key=d["doc_name"],
                feed=feed,
                title=sentences[0][:300],
                text="\n\n".join(sentences[1:]),
                link=url,
                label=d["cluster_id"],
                topic=str(d["topic"]),
            )
        )
    return docs


def load_bbc() -> list[Doc]:
    path = CORPUS / "bbc-news-categories" / "BBC_News_Train.csv"
    docs = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            words = row["Text"].split()
            # The headline is run into the body; its first words stand in as the title.
            docs.append(
                Doc(
                    key=row["ArticleId"],
                    feed="bbc",
                    title=" ".join(words[:8]),
                    text=" ".join(words[8:]),
                    link=None,
                    label=row["Category"],
                )
            )
    return docs


def load_lee() -> tuple[list[Doc], list[list[float]]]:
    folder = CORPUS / "lee2005-doc-similarity"

    def lines(name: str) -> list[str]:
        return (folder / name).read_bytes().decode("latin-1").splitlines()

    def doc(i: str, text: str, label: str) -> Doc:
        words = text.split()
        return Doc(i, "abc", " ".join(words[:10]), " ".join(words[10:]), None, label)

    docs = [doc(f"lee{i}", t, "lee") for i, t in enumerate(lines("lee.cor"))]
    docs += [doc(f"bg{i}", t, "bg") for i, t in enumerate(lines("lee_background.cor")) if t]
    matrix = [
        [float(x) for x in line.split()] for line in lines("similarities0-1.txt") if line.strip()
    ]
    return docs, matrix


# ------------------------------------------------------------ termnews cache


def build_cache(docs: Sequence[Doc], folder: Path, section: str) -> tuple[Store, dict[str, int]]:
    """Ingest ``docs`` feed by feed, then run the refresh's after-ingest step once."""
    store = Store.open(folder / "termnews.db")
    by_feed: dict[str, list[Doc]] = defaultdict(list)
    for d in docs:
        by_feed[d.feed].append(d)
    ids: dict[str, int] = {}
    new_ids: list[int] = []
    for name, feed_docs in by_feed.items():
        feed, _ = store.add_feed(f"https://{name}/feed.xml", name, section)
        entries = tuple(
            EntryData(guid=d.key, link=d.link, title=d.title, content=d.text) for d in feed_docs
        )
        result = store.ingest(feed.id, ParsedFeed(name, entries))
        new_ids.extend(result.new_ids)
        rows = store.conn.execute(
            "SELECT guid, id FROM articles WHERE feed_id = ?", (feed.id,)
        ).fetchall()
        ids.update({r[0]: r[1] for r in rows})
    refresh.after_ingest(store, new_ids)
    return store, ids


# ------------------------------------------------------------- TF-IDF baseline

_TOKEN = re.compile(r"(?u)\b\w\w+\b")


class TfIdf:
    """Plain TF-IDF cosine (the scikit-learn TfidfVectorizer defaults), in pure Python."""

    def __init__(self, texts: Sequence[str]) -> None:
        counts = [Counter(_TOKEN.findall(t.lower())) for t in texts]
        df: Counter[str] = Counter()
        for c in counts:
            df.update(c.keys())
        n = len(texts)
        idf = {t: math.log((1 + n) / (1 + f)) + 1 for t, f in df.items()}
        self.vectors: list[dict[str, float]] = []
        for c in counts:
            v = {t: k * idf[t] for t, k in c.items()}
            norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
            self.vectors.append({t: x / norm for t, x in v.items()})
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, v in enumerate(self.vectors):
            for t, x in v.items():
                self.postings[t].append((i, x))

    def scores(self, i: int) -> dict[int, float]:
        acc: dict[int, float] = defaultdict(float)
        for t, x in self.vectors[i].items():
            for j, y in self.postings[t]:
                acc[j] += x * y
        acc.pop(i, None)
        return acc

    def ranking(self, i: int, depth: int) -> list[int]:
        s = self.scores(i)
        return sorted(s, key=lambda j: (-s[j], j))[:depth]

    def similarity(self, i: int, j: int) -> float:
        a, b = self.vectors[i], self.vectors[j]
        return sum(x * b[t] for t, x in a.items() if t in b)


def single_pass(
    n: int, sim: Callable[[int, int], float], order: Sequence[int], t: float
) -> list[int]:
    """The grouping termnews does, on any similarity: join the best earlier match >= t."""
    story = list(range(n))
    done: list[int] = []
    for i in order:
        best, best_s = None, t
        for j in done:
            s = sim(i, j)
            if s >= best_s:
                best, best_s = j, s
        if best is not None:
            story[i] = story[best]
        done.append(i)
    return story


# ------------------------------------------------------------------ metrics


def precision_at(ranked: Sequence[int], relevant: set[int], k: int = 5) -> float:
    return sum(1 for j in ranked[:k] if j in relevant) / k


def average_precision(ranked: Sequence[int], relevant: set[int]) -> float:
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    for rank, j in enumerate(ranked, 1):
        if j in relevant:
            hits += 1
            total += hits / rank
    return total / len(relevant)


def inversions(
    ranked: Sequence[int], positives: set[int], negatives: set[int]
) -> tuple[float, int]:
    """(hard negatives ranked above positives, pairs); unlisted items tie at the bottom."""
    pos = {j: r for r, j in enumerate(ranked)}
    bottom = len(ranked)
    p_ranks = [pos.get(j, bottom) for j in positives]
    n_ranks = [pos.get(j, bottom) for j in negatives]
    bad = 0.0
    for nr in n_ranks:
        for pr in p_ranks:
            if nr < pr:
                bad += 1
            elif nr == pr == bottom:
                bad += 0.5
    return bad, len(p_ranks) * len(n_ranks)


def bcubed(pred: Sequence[int], gold: Sequence[str]) -> tuple[float, float, float]:
    by_pred: dict[int, list[int]] = defaultdict(list)
    by_gold: dict[str, list[int]] = defaultdict(list)
    for i, (p, g) in enumerate(zip(pred, gold, strict=True)):
        by_pred[p].append(i)
        by_gold[g].append(i)
    precision = recall = 0.0
    for i in range(len(pred)):
        same_pred = by_pred[pred[i]]
        same_gold = by_gold[gold[i]]
        both = sum(1 for j in same_pred if gold[j] == gold[i])
        precision += both / len(same_pred)
        recall += both / len(same_gold)
    precision /= len(pred)
    recall /= len(pred)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def adjusted_rand(pred: Sequence[int], gold: Sequence[str]) -> float:
    def c2(x: int) -> float:
        return x * (x - 1) / 2

    table = Counter(zip(pred, gold, strict=True))
    a = Counter(pred)
    b = Counter(gold)
    index = sum(c2(v) for v in table.values())
    sa = sum(c2(v) for v in a.values())
    sb = sum(c2(v) for v in b.values())
    expected = sa * sb / c2(len(pred))
    top = (sa + sb) / 2
    return (index - expected) / (top - expected) if top != expected else 0.0


def _ranks(values: Sequence[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    mx, my = sum(x) / len(x), sum(y) / len(y)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = math.sqrt(sum((a - mx) ** 2 for a in x))
    syy = math.sqrt(sum((b - my) ** 2 for b in y))
    return sxy / (sxx * syy) if sxx and syy else 0.0


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    return pearson(_ranks(x), _ranks(y))


# ------------------------------------------------------------------ runs


@dataclass
class Row:
    dataset: str
    metric: str
    termnews: float
    baseline: float
    higher_is_better: bool = True

    @property
    def better(self) -> bool:
        if self.higher_is_better:
            return self.termnews > self.baseline
        return self.termnews < self.baseline


def _doc_text(d: Doc) -> str:
    return f"{d.title}\n{d.text}"


def run_ecb(tmp: Path) -> list[Row]:
    docs = load_ecb()
    random.Random(SEED).shuffle(docs)
    t0 = time.perf_counter()
    store, ids = build_cache(docs, tmp / "ecb", "News")
    ingest_s = time.perf_counter() - t0
    index_of = {ids[d.key]: i for i, d in enumerate(docs)}
    by_label: dict[str, set[int]] = defaultdict(set)
    by_topic: dict[str, set[int]] = defaultdict(set)
    for i, d in enumerate(docs):
        by_label[d.label].add(i)
        by_topic[d.topic].add(i)
    base = TfIdf([_doc_text(d) for d in docs])

    p5 = [0.0, 0.0]
    ap = [0.0, 0.0]
    inv = [[0.0, 0], [0.0, 0]]
    t0 = time.perf_counter()
    for i, d in enumerate(docs):
        relevant = by_label[d.label] - {i}
        negatives = by_topic[d.topic] - by_label[d.label]
        ours = [index_of[r.article_id] for r in related_articles(store, ids[d.key], limit=DEPTH)]
        theirs = base.ranking(i, DEPTH)
        for m, ranked in enumerate((ours, theirs)):
            p5[m] += precision_at(ranked, relevant)
            ap[m] += average_precision(ranked, relevant)
            bad, pairs = inversions(ranked, relevant, negatives)
            inv[m][0] += bad
            inv[m][1] += pairs
    query_s = time.perf_counter() - t0
    store.close()
    n = len(docs)
    gold = [d.label for d in docs]
    dev = [i for i, d in enumerate(docs) if int(d.topic) % 2 == 0]
    test = [i for i, d in enumerate(docs) if int(d.topic) % 2 == 1]

    def scored(groups: Sequence[int], subset: Sequence[int]) -> tuple[float, float, float, float]:
        pred = [groups[i] for i in subset]
        labels = [gold[i] for i in subset]
        return (*bcubed(pred, labels), adjusted_rand(pred, labels))

    def our_groups(threshold: float) -> list[int]:
        saved = related.GROUP_THRESHOLD
        related.GROUP_THRESHOLD = threshold
        try:
            folder = tmp / f"ecb-{threshold:.2f}"
            folder.mkdir()
            st, ids2 = build_cache(docs, folder, "News")
        finally:
            related.GROUP_THRESHOLD = saved
        story = dict(
            st.conn.execute(
                "SELECT a.id, s.story_id FROM articles a"
                " LEFT JOIN article_stories s ON s.article_id = a.id"
            ).fetchall()
        )
        st.close()
        return [story[ids2[d.key]] or -ids2[d.key] for d in docs]

    order = sorted(range(n), key=lambda i: ids[docs[i].key])
    sims: dict[tuple[int, int], float] = {}

    def sim(i: int, j: int) -> float:
        key = (i, j) if i < j else (j, i)
        if key not in sims:
            sims[key] = base.similarity(i, j)
        return sims[key]

    sweep = [x / 100 for x in range(15, 65, 5)]
    ours_by_t = {t: our_groups(t) for t in sweep}
    base_by_t = {t: single_pass(n, sim, order, t) for t in sweep}
    print("grouping threshold sweep, B-cubed F1 on the dev half (even topics):", file=sys.stderr)
    for t in sweep:
        print(
            f"  {t:.2f}  termnews {scored(ours_by_t[t], dev)[2]:.3f}"
            f"  TF-IDF {scored(base_by_t[t], dev)[2]:.3f}",
            file=sys.stderr,
        )
    base_t = max(sweep, key=lambda t: scored(base_by_t[t], dev)[2])
    ours_best = max(sweep, key=lambda t: scored(ours_by_t[t], dev)[2])
    ours = ours_by_t.get(related.GROUP_THRESHOLD) or our_groups(related.GROUP_THRESHOLD)
    ob, tb = scored(ours, test), scored(base_by_t[base_t], test)
    print(
        f"ECB+: {n} docs, {len({d.feed for d in docs})} feeds; ingest+index {ingest_s:.1f} s, "
        f"{n} related queries {query_s:.1f} s. Grouping thresholds from the dev half: "
        f"TF-IDF {base_t:.2f}, termnews best {ours_best:.2f} "
        f"(shipped GROUP_THRESHOLD {related.GROUP_THRESHOLD:.2f})",
        file=sys.stderr,
    )
    held_out = "ECB+ grouping (held-out odd topics)"
    return [
        Row("ECB+", "precision@5, same event", p5[0] / n, p5[1] / n),
        Row("ECB+", f"MAP@{DEPTH}, same event", ap[0] / n, ap[1] / n),
        Row(
            "ECB+",
            "similar-event articles ranked above same-event ones",
            inv[0][0] / inv[0][1],
            inv[1][0] / inv[1][1],
            higher_is_better=False,
        ),
        Row(held_out, "B-cubed precision", ob[0], tb[0]),
        Row(held_out, "B-cubed recall", ob[1], tb[1]),
        Row(held_out, "B-cubed F1", ob[2], tb[2]),
        Row(held_out, "adjusted Rand index", ob[3], tb[3]),
    ]


def run_bbc(tmp: Path) -> list[Row]:
    docs = load_bbc()
    store, ids = build_cache(docs, tmp / "bbc", "BBC")
    index_of = {ids[d.key]: i for i, d in enumerate(docs)}
    base = TfIdf([_doc_text(d) for d in docs])
    p5 = [0.0, 0.0]
    for i, d in enumerate(docs):
        relevant = {j for j, e in enumerate(docs) if e.label == d.label and j != i}
        ours = [index_of[r.article_id] for r in related_articles(store, ids[d.key], limit=5)]
        p5[0] += precision_at(ours, relevant)
        p5[1] += precision_at(base.ranking(i, 5), relevant)
    store.close()
    n = len(docs)
    return [Row("BBC", "precision@5, same category", p5[0] / n, p5[1] / n)]


def run_lee(tmp: Path) -> list[Row]:
    docs, matrix = load_lee()
    store, ids = build_cache(docs, tmp / "lee", "ABC")
    base = TfIdf([_doc_text(d) for d in docs])
    human, ours, theirs = [], [], []
    for i in range(50):
        for j in range(i + 1, 50):
            human.append(matrix[i][j])
            ours.append(article_similarity(store, ids[docs[i].key], ids[docs[j].key]))
            theirs.append(base.similarity(i, j))
    store.close()
    return [
        Row(
            "Lee 2005", "Pearson r with human ratings", pearson(ours, human), pearson(theirs, human)
        ),
        Row(
            "Lee 2005",
            "Spearman ρ with human ratings",
            spearman(ours, human),
            spearman(theirs, human),
        ),
    ]


def table(rows: Sequence[Row]) -> str:
    lines = [
        "| set | measure | termnews | TF-IDF cosine | |",
        "|---|---|---:|---:|---|",
    ]
    for r in rows:
        arrow = "" if r.higher_is_better else " (lower is better)"
        mark = "better" if r.better else "**worse**"
        lines.append(
            f"| {r.dataset} | {r.metric}{arrow} | {r.termnews:.3f} | {r.baseline:.3f} | {mark} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="update benchmarks/RELATED.md")
    parser.add_argument("--only", choices=("ecb", "bbc", "lee"), help="run one set")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="termnews-related-") as tmp:
        for name, run in (("ecb", run_ecb), ("bbc", run_bbc), ("lee", run_lee)):
            if args.only in (None, name):
                (Path(tmp) / name).mkdir()
                rows += run(Path(tmp))
    text = table(rows)
    print(text)
    if args.write:
        write_section(Path(__file__).with_name("RELATED.md"), "quality", text)
    return 0


def write_section(path: Path, name: str, body: str) -> None:
    """Replace the marked section ``name`` of RELATED.md (the speed script writes another)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{start}\n{body}\n{end}"
    if start in text and end in text:
        before = text.split(start)[0]
        after = text.split(end, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip() + ("\n\n" if text else "") + block + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
