using Terminal.Gui.Drawing;

namespace SecureChat.Tui.Views;

/// <summary>
/// The colours of the message pane, from the terminal's own 16-colour palette (so the user's theme decides how they
/// look on a light or a dark background). Only names are coloured: a stable colour for each name, so a speaker is
/// recognised at a glance (the same name always gets the same colour, in every run and on every machine: FNV-1a of
/// the name, not <see cref="string.GetHashCode()"/>, which changes per process). The palette has one colour per hue
/// (a normal and a bright one look alike) and leaves out the hues of the own name (<see cref="Own"/>) and of errors
/// (<see cref="Error"/>). <see cref="Enabled"/> is false when the NO_COLOR environment variable is set and not empty
/// (no-color.org). Thread-safe (pure).
/// </summary>
internal static class NameColours
{
    public static readonly IReadOnlyList<ColorName16> Palette = [ColorName16.Green, ColorName16.Magenta, ColorName16.Blue, ColorName16.Yellow];

    /// <summary>The colour of this side's own name.</summary>
    public const ColorName16 Own = ColorName16.Cyan;

    /// <summary>The colour of error lines.</summary>
    public const ColorName16 Error = ColorName16.Red;

    /// <summary>False when NO_COLOR asks for no colour (read when the app starts).</summary>
    public static bool Enabled { get; } = string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    public static ColorName16 For(string name)
    {
        uint hash = 2166136261;
        foreach (char c in name)
        {
            hash = (hash ^ c) * 16777619;
        }

        return Palette[(int)(hash % (uint)Palette.Count)];
    }
}
