namespace SecureChat.Tui.CommandLine;

/// <summary>
/// Where an option acts. Given where it would do nothing (a server option with <c>--client</c>, a full-screen one
/// with <c>--headless</c>), it is a usage error: a user who typed it expects it to act.
/// </summary>
internal enum OptionScope
{
    Any,
    Server,
    Client,
    FullScreen,
    Headless,

    /// <summary>A client's, on the full screen only.</summary>
    ClientFullScreen,

    /// <summary>A client's, headless only.</summary>
    ClientHeadless,
}
