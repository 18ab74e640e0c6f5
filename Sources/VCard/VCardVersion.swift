/// The vCard versions this module reads; it writes 3.0 and 4.0.
///
/// The version changes how a card's text is read: 2.1 has no comma-separated lists and allows
/// bare parameters such as `;WORK;VOICE`, and 4.0 encodes parameter values with RFC 6868 carets.
public enum VCardVersion: String, Sendable, Hashable, CaseIterable {
    case v2_1 = "2.1"
    case v3_0 = "3.0"
    case v4_0 = "4.0"
}
