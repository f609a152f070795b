//! Spreading per-file work over threads, for directories with thousands of migrations.
//!
//! Reading and parsing each file is independent of the others; only matching them up is not.
//! The helpers here keep the items' order, so results (and which error comes first) are the same
//! as on one thread.

/// Below this many items, one thread does the work as fast.
const PARALLEL_FROM: usize = 256;
/// At most this many threads.
const MAX_THREADS: usize = 8;

/// Splits `items` into contiguous runs, one per thread (a single run when there are few items),
/// and returns `run(each run)` in order.
pub(crate) fn parallel_runs<T: Send, R: Send>(
    items: Vec<T>,
    run: impl Fn(Vec<T>) -> R + Sync,
) -> Vec<R> {
    let threads = if items.len() < PARALLEL_FROM {
        1
    } else {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(MAX_THREADS)
    };
    if threads <= 1 {
        return vec![run(items)];
    }
    let per_thread = items.len().div_ceil(threads);
    let mut runs = Vec::with_capacity(threads);
    let mut rest = items;
    while rest.len() > per_thread {
        let tail = rest.split_off(per_thread);
        runs.push(rest);
        rest = tail;
    }
    runs.push(rest);
    let run = &run;
    // The calling thread does the last run itself: one thread fewer to start and stop.
    let last = runs.pop().expect("at least one run");
    std::thread::scope(|scope| {
        let workers: Vec<_> = runs
            .into_iter()
            .map(|items| scope.spawn(move || run(items)))
            .collect();
        let last = run(last);
        let mut results: Vec<R> = workers
            .into_iter()
            .map(|worker| match worker.join() {
                Ok(result) => result,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect();
        results.push(last);
        results
    })
}

/// `items.into_iter().map(f).collect()`, on several threads when there are many items.
pub(crate) fn parallel_map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let total = items.len();
    let runs = parallel_runs(items, |run| run.into_iter().map(&f).collect::<Vec<R>>());
    let mut out = Vec::with_capacity(total);
    for run in runs {
        out.extend(run);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_order_of_small_and_large_inputs() {
        for n in [0, 1, 255, 256, 257, 1000, 10_001] {
            let items: Vec<usize> = (0..n).collect();
            let out = parallel_map(items, |i| i * 2);
            assert_eq!(out, (0..n).map(|i| i * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn runs_cover_every_item_once() {
        let runs = parallel_runs((0..1000).collect::<Vec<u32>>(), |run| run);
        assert!(!runs.is_empty());
        assert_eq!(runs.concat(), (0..1000).collect::<Vec<_>>());
    }
}
