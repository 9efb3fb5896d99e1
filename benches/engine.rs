//! Engine throughput: the Erlang-A big-sale reference profile (about a
//! million shoppers over six days) on one thread. Shoppers per second is
//! the profile's arrivals divided by the time per run.
//!
//!     cargo bench --bench engine

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use peakdesk::engine::run_replication;
use peakdesk::profile;
use std::path::Path;

fn bigsale(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sc = profile::load(&root.join("profiles/reference/erlang-a-bigsale.toml"), &[]).unwrap();
    let shoppers: u64 = run_replication(&sc, 0)
        .intervals
        .iter()
        .map(|i| i.tally.arrived)
        .sum();
    let mut g = c.benchmark_group("engine");
    g.sample_size(10);
    g.throughput(Throughput::Elements(shoppers));
    g.bench_function("erlang-a-bigsale (shoppers)", |b| {
        b.iter(|| run_replication(&sc, 0))
    });
    g.finish();
}

criterion_group!(benches, bigsale);
criterion_main!(benches);
