import Foundation

/// Rebuilding the in-memory state (merge core, graph, held fingerprints) when first needed
/// rather than at open: for 100k cards that is half a million metadata rows read and a merge
/// core restored, about 0.75 s of CPU, which a command that only queries the tables (a search,
/// a card shown) never needs. Every transaction rebuilds it first anyway (its `generation` is
/// -1 until then); the readers of it outside a transaction call these first.
extension Store {
    /// Runs an empty transaction, which rebuilds the state, unless one has committed already.
    func loadIfNeeded() throws(StoreError) {
        guard !published.isLoaded else { return }
        try transaction(physicalMillis: openedMillis) { _, _ in }
    }

    /// For the readers that cannot report an error, once: if the rebuild fails they see the
    /// state as it is (empty), and the next transaction, which cannot skip it, reports why.
    func loadIfNeededForReading() {
        published.loading.withLock {
            guard !published.readerTriedLoading else { return }
            published.readerTriedLoading = true
            try? loadIfNeeded()
        }
    }
}
