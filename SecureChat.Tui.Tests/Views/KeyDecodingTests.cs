using SecureChat.Tui.Tests.Support;
using SecureChat.Tui.Views;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;

namespace SecureChat.Tui.Tests.Views;

[Collection(TerminalGuiCollection.Name)]
public sealed class KeyDecodingTests
{
    [Theory]
    [InlineData("\u001b[25~", KeyCode.F13)]
    [InlineData("\u001b[29~", KeyCode.F16)]
    [InlineData("\u001b[34~", KeyCode.F20)]
    [InlineData("\u001b[29;2~", KeyCode.F16 | KeyCode.ShiftMask)]
    [InlineData("\u001b[24~", KeyCode.F12)]
    [InlineData("\u001b[A", KeyCode.CursorUp)]
    public void F13_to_F20_decode_as_those_keys_and_known_keys_are_left_to_the_toolkit(string sequence, KeyCode expected)
    {
        Decode(sequence).ShouldBe([expected]);
    }

    [Theory]
    [InlineData("\u001b[201~")]
    [InlineData("\u001b[27~")]
    [InlineData("\u001b[99999999999~")]
    [InlineData("\u001bOO")]
    [InlineData("\u001b[55296u")]
    public void Undecodable_sequences_become_no_key_instead_of_an_exception(string sequence)
    {
        Decode(sequence).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("\u001b\u007f", KeyCode.Backspace | KeyCode.AltMask)]
    [InlineData("\u001bd", KeyCode.D | KeyCode.AltMask)]
    public void Alt_Backspace_sent_as_ESC_DEL_arrives_as_Alt_Backspace(string sequence, params KeyCode[] expected)
    {
        Decode(sequence).ShouldBe(expected);
    }

    private static List<KeyCode> Decode(string sequence)
    {
        using IApplication app = Application.Create();
        app.Init(DriverRegistry.Names.ANSI);
        KeyDecoding.Install(app).ShouldBeTrue();
        KeyDecoding.Install(app).ShouldBeTrue(); // twice is harmless
        IInputProcessor input = app.Driver!.GetInputProcessor();
        var keys = new List<KeyCode>();
        input.KeyDown += (_, key) =>
        {
            if (key.KeyCode != KeyCode.Null)
            {
                keys.Add(key.KeyCode);
            }
        };
        var queue = (System.Collections.Concurrent.ConcurrentQueue<char>)input.GetType().GetProperty("InputQueue")!.GetValue(input)!;
        foreach (char c in sequence)
        {
            queue.Enqueue(c);
        }

        input.ProcessQueue();

        // A lone ESC and a key (Alt+key) is held in case more of a sequence follows, and let go by time.
        Thread.Sleep(200);
        input.ProcessQueue();
        return keys;
    }
}
