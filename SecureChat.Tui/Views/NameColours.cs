using Terminal.Gui.Drawing;

namespace SecureChat.Tui.Views;

/// <summary>
/// A stable colour for each name, so a speaker is recognised at a glance: the same name always gets the same colour,
/// in every run and on every machine (FNV-1a of the name, not <see cref="string.GetHashCode()"/>, which changes per
/// process). The palette leaves out the colours of own lines (bright cyan), notices (bright yellow) and errors
/// (bright red). Thread-safe (pure).
/// </summary>
internal static class NameColours
{
    public static readonly IReadOnlyList<ColorName16> Palette =
        [ColorName16.BrightGreen, ColorName16.BrightMagenta, ColorName16.BrightBlue, ColorName16.Green, ColorName16.Magenta, ColorName16.Cyan];

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
