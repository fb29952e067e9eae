namespace SecureChat.Engine.Mls.Messages;

/// <summary>PSKType (RFC 9420 section 8.4): where a pre-shared key comes from; closed.</summary>
internal enum PskType : byte
{
    External = 1,
    Resumption = 2,
}
