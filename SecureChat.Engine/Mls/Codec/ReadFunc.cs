namespace SecureChat.Engine.Mls.Codec;

/// <summary>Reads one item of a vector from <paramref name="reader"/> (RFC 9420 section 2.1.2).</summary>
internal delegate T ReadFunc<T>(ref MlsReader reader);
