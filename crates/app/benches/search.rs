//! Full import + index of the shared handbook corpus, and query latency over
//! the judged questions. Needs ../shared/data/handbook beside the repository.
//!
//!   cargo bench -p onramp-app --bench search

use criterion::{Criterion, criterion_group, criterion_main};
use onramp_app::handbook::import_dir;
use onramp_handbook::{SearchIndex, eval};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/handbook")
}

fn questions() -> Vec<eval::Judgment> {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../eval/handbook-questions.tsv");
    let text = std::fs::read_to_string(&file).expect("judgments");
    eval::parse_judgments("handbook-questions.tsv", &text).expect("valid judgments")
}

fn import_into(dir: &Path, rt: &tokio::runtime::Runtime) -> Arc<SearchIndex> {
    rt.block_on(async {
        let store = onramp_store::Store::open(&onramp_store::Database::sqlite_in(dir))
            .await
            .expect("store");
        let index = Arc::new(SearchIndex::open(&dir.join("search-index")).expect("index"));
        import_dir(&store, &corpus(), "", Some(&index), &mut |_| {})
            .await
            .expect("import");
        store.close().await;
        index
    })
}

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let mut group = c.benchmark_group("handbook");
    group.sample_size(10);
    group.bench_function("import_and_index_corpus", |b| {
        b.iter(|| {
            let dir = tempfile::tempdir().expect("dir");
            import_into(dir.path(), &rt);
        })
    });
    group.finish();

    let dir = tempfile::tempdir().expect("dir");
    let index = import_into(dir.path(), &rt);
    let judgments = questions();
    c.bench_function("search_all_judged_questions", |b| {
        b.iter(|| {
            for j in &judgments {
                index.search_uncached(&j.question, 10, 0).expect("search");
            }
        })
    });
}

criterion_group!(handbook, benches);
criterion_main!(handbook);
