namespace SecureChat.Tui.App;

/// <summary>Which mode a command is for: the full screen, headless mode, or both.</summary>
[Flags]
internal enum CommandModes
{
    Screen = 1,
    Headless = 2,
    Both = Screen | Headless,
}
