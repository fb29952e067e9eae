using System.Runtime.CompilerServices;

namespace SecureChat.Tui.Tests.Support;

internal static class ModuleSetup
{
    /// <summary>Terminal.Gui must never touch the real terminal under <c>dotnet test</c>: set before any app exists.</summary>
    [ModuleInitializer]
    internal static void DisableRealTerminal() => Environment.SetEnvironmentVariable("DisableRealDriverIO", "1");
}
