using SecureChat.Engine.Transport;
using SecureChat.Tui.App;
using SecureChat.Tui.Tests.Support;
using SecureChat.Tui.Views;
using Terminal.Gui.Input;

namespace SecureChat.Tui.Tests.Views;

/// <summary>
/// The full screen's changed-identity warning on the virtual driver: both fingerprints whole, the address, the
/// deliberate way to accept (a command line, never a button), on an 80x24 screen; and the status bar's
/// <c>refused | identity changed</c>.
/// </summary>
[Collection(TerminalGuiCollection.Name)]
public sealed class IdentityWarningTests
{
    private static readonly IdentityRefusal s_refusal = new(
        "localhost:12345",
        "C40A 813A 0EF3 13A4 A658 65E2 0218 3E4F",
        new DateOnly(2026, 7, 1),
        "9A1B 7BCF E177 9C43 2E52 F464 B786 D4C3");

    [Fact]
    public void The_warning_shows_both_fingerprints_whole_the_address_and_the_option_that_accepts_and_only_a_quit_button()
    {
        using var screen = new TestScreen(width: 80, height: 24);
        using var warning = new IdentityWarning(s_refusal);
        screen.App.Begin(warning);
        string drawn = screen.Screen();

        drawn.ShouldContain(IdentityWarning.Heading);
        drawn.ShouldContain("localhost:12345 has changed");
        drawn.ShouldContain("Nothing was sent to it");
        drawn.ShouldContain("Remembered identity (first seen 2026-07-01):");
        drawn.ShouldContain("    C40A 813A 0EF3 13A4 A658 65E2 0218 3E4F");
        drawn.ShouldContain("    9A1B 7BCF E177 9C43 2E52 F464 B786 D4C3");
        drawn.ShouldContain("--accept-identity \"9A1B 7BCF E177 9C43 2E52 F464 B786 D4C3\"");
        drawn.ShouldContain("Quit");
        drawn.ShouldNotContain("Accept ", Case.Sensitive, "nothing in the warning trusts the new identity");
        drawn.ShouldNotContain("Trust");
        warning.Buttons.Select(b => b.Text).ShouldBe(["Quit"]);
        IdentityWarning.Message(s_refusal).ShouldAllBe(line => line.Length <= 72, "fits an 80-column terminal without wrapping a fingerprint");
    }

    [Theory]
    [InlineData("Enter")]
    [InlineData("Esc")]
    [InlineData("F10")]
    [InlineData("Ctrl+C")]
    public void Over_the_chat_window_the_warning_takes_every_key_and_only_its_keys_dismiss_it(string dismissKey)
    {
        using var screen = new TestScreen(width: 80, height: 24);
        int dismissed = 0;
        screen.Window.Warn(s_refusal, () => dismissed++);
        screen.Screen().ShouldContain(IdentityWarning.Heading);
        screen.Type("typed q ");
        screen.Press(Key.Space);
        dismissed.ShouldBe(0, "typing, spaces included, does not dismiss it");
        (screen.Window.Input.Text ?? string.Empty).ShouldBeEmpty("nothing reaches the chat's input behind it");

        Key key = dismissKey switch
        {
            "Enter" => Key.Enter,
            "Esc" => Key.Esc,
            "F10" => Key.F10,
            _ => Key.C.WithCtrl,
        };
        screen.Press(key);
        dismissed.ShouldBe(1);
        screen.App.TopRunnableView.ShouldBe(screen.Window, "the warning is taken down");
        screen.Screen().ShouldNotContain(IdentityWarning.Heading);
    }

    [Fact]
    public void The_model_puts_the_trust_state_changed_on_the_status_bar_and_asks_the_view_to_warn()
    {
        var view = new RecordingView();
        var model = new ChatModel(new ChatClient(new ChatOptions()), isServer: false, view, new ScreenWords());
        model.IdentityRefused(s_refusal);
        view.Warnings.ShouldBe([s_refusal]);
        ChatStatus status = view.Statuses[^1];
        status.Stage.ShouldBe("refused");
        status.Trust.ShouldBe("changed");
        status.KeyHash.ShouldBeNull();

        using var screen = new TestScreen(width: 80, height: 24);
        screen.Window.SetStatus(status);
        Tmux.StatusLine(screen.Screen()).ShouldContain("refused │ identity changed │ no peer");
        model.Detach();
    }

    [Fact]
    public void The_printed_warning_keeps_the_ssh_style_lines()
    {
        s_refusal.Lines.ShouldBe(
        [
            "WARNING: THE IDENTITY OF THE SERVER AT localhost:12345 HAS CHANGED. Nothing was sent to it.",
            "Someone may be impersonating it (a man in the middle), or its operator may have replaced its identity key.",
            "Remembered identity: C40A 813A 0EF3 13A4 A658 65E2 0218 3E4F (first seen 2026-07-01)",
            "Presented identity:  9A1B 7BCF E177 9C43 2E52 F464 B786 D4C3",
            "Ask the server's operator for its fingerprint by phone or in person. Only if it matches the presented one, run once with:",
            "  --accept-identity \"9A1B 7BCF E177 9C43 2E52 F464 B786 D4C3\"",
        ]);
    }
}
