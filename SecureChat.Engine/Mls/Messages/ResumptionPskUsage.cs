namespace SecureChat.Engine.Mls.Messages;

/// <summary>ResumptionPSKUsage (RFC 9420 section 8.4): why a resumption PSK is used; closed.</summary>
internal enum ResumptionPskUsage : byte
{
    Application = 1,
    ReInit = 2,
    Branch = 3,
}
