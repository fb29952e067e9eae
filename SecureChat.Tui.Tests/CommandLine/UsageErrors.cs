using SecureChat.Tui.CommandLine;

namespace SecureChat.Tui.Tests.CommandLine;

/// <summary>What the command-line tests share about usage errors.</summary>
internal static class UsageErrors
{
    /// <summary>The app itself: a usage error must stop before it, so no instance (and no config directory) is ever opened.</summary>
    internal static int NeverRun(AppSettings settings) => throw new ShouldAssertException($"a usage error started the app as {settings.Role}");
}
