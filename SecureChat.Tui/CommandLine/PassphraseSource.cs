namespace SecureChat.Tui.CommandLine;

/// <summary>Where the optional shared passphrase comes from. Never the command line itself: <c>ps</c> shows it.</summary>
internal enum PassphraseSource
{
    None,
    Prompt,
    File,
    Environment,
}
