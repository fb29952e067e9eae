namespace SecureChat.Engine.Mls.Codec;

/// <summary>
/// Malformed MLS bytes (RFC 9420 section 2.1): truncated input, a non-minimal or invalid variable-length integer,
/// trailing bytes, an unknown value of a closed enumeration. Thrown only by <see cref="MlsReader"/> and the wire
/// structs' readers; a caller at a trust boundary catches exactly this type and turns it into one failure reason.
/// </summary>
internal sealed class MlsFormatException(string message) : Exception(message);
