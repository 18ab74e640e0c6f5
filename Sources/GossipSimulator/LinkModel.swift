/// How the simulated network treats each datagram: loss, latency ± jitter, duplication and
/// extra reordering delay. Per-link loss overrides the default for one direction.
public struct LinkModel: Sendable {
    public var loss: Double
    public var latencyMillis: UInt64
    public var jitterMillis: UInt64
    public var duplication: Double
    /// The chance that a datagram is held back by up to one more latency, overtaking order.
    public var reordering: Double

    public init(loss: Double = 0, latencyMillis: UInt64 = 20, jitterMillis: UInt64 = 10,
                duplication: Double = 0, reordering: Double = 0) {
        self.loss = loss
        self.latencyMillis = latencyMillis
        self.jitterMillis = jitterMillis
        self.duplication = duplication
        self.reordering = reordering
    }
}
