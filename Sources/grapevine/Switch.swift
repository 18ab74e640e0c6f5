import ArgumentParser

/// An option that is `on` or `off`, such as `run --relay`.
enum Switch: String, ExpressibleByArgument, CaseIterable {
    case on, off
}
