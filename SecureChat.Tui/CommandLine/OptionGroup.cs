namespace SecureChat.Tui.CommandLine;

/// <summary>The sections of <c>--help</c>, in the order it shows them.</summary>
internal enum OptionGroup
{
    Connection,
    IdentityAndTrust,
    Display,
    History,
    ServerLimits,
    General,
}
