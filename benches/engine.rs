//! Engine throughput on one thread, in shoppers per second:
//! - the Erlang-A big-sale reference profile (about a million shoppers over
//!   six days, one pool): the core engine;
//! - the Double 11 profile (about 600,000 conversations in a day: bot,
//!   multi-turn chats, three groups with rosters and concurrency): the
//!   e-commerce desk.
//!
//!     cargo bench --bench engine

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use peakdesk::engine::run_replication;
use peakdesk::profile;
use std::path::Path;

fn bench_profile(c: &mut Criterion, name: &str, path: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sc = profile::load(&root.join(path), &[]).unwrap();
    let shoppers: u64 = run_replication(&sc, 0)
        .intervals
        .iter()
        .map(|i| i.tally.counts.arrived + i.tally.counts.deflected)
        .sum();
    let mut g = c.benchmark_group("engine");
    g.sample_size(10);
    g.throughput(Throughput::Elements(shoppers));
    g.bench_function(name, |b| b.iter(|| run_replication(&sc, 0)));
    g.finish();
}

fn engines(c: &mut Criterion) {
    bench_profile(
        c,
        "erlang-a-bigsale (shoppers)",
        "profiles/reference/erlang-a-bigsale.toml",
    );
    bench_profile(c, "double11 (shoppers)", "profiles/double11.toml");
}

criterion_group!(benches, engines);
criterion_main!(benches);
