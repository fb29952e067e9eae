namespace SecureChat.Tui.Tests.Support;

/// <summary>Tests that create Terminal.Gui apps share process-wide key bindings: they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TerminalGuiCollection
{
    public const string Name = "Terminal.Gui";
}
