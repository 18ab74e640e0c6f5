/// A token bucket on injected time: `rate` tokens per second, at most `burst` saved up.
public struct TokenBucket: Sendable, Equatable {
    public let rate: Double
    public let burst: Double
    private var tokens: Double
    private var lastMillis: UInt64

    public init(rate: Double, burst: Double, nowMillis: UInt64) {
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.lastMillis = nowMillis
    }

    /// Takes one token if there is one.
    public mutating func take(nowMillis: UInt64) -> Bool {
        if nowMillis > lastMillis {
            tokens = min(burst, tokens + Double(nowMillis - lastMillis) * rate / 1000)
            lastMillis = nowMillis
        }
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
