using System.Security.Cryptography;
using System.Text;
using SecureChat.Tui.App;
using SecureChat.Tui.CommandLine;
using SecureChat.Tui.Headless;
using SecureChat.Tui.Views;

namespace SecureChat.Tui;

/// <summary>Parse the command line, read the passphrase, build the engine options, run full screen or headless.</summary>
internal static class Program
{
    public static int Main(string[] args) => ChatCommandLine.Invoke(args, Run);

    private static int Run(AppSettings settings)
    {
        byte[] passphrase;
        try
        {
            passphrase = PassphraseReader.Read(settings);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"securechat: {e.Message}");
            return ChatCommandLine.UsageExitCode;
        }

        try
        {
            var options = ChatLifetime.Options(settings, passphrase);
            if (settings.Headless)
            {
                var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
                Console.OutputEncoding = utf8;
                Console.InputEncoding = utf8;
                return ChatLifetime.Run(settings, options, new HeadlessMode(Console.In, Console.Out, Console.Error, settings.Timestamps));
            }

            return ChatLifetime.Run(settings, options, new ScreenMode(settings.Scrollback, settings.Bell));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passphrase);
        }
    }
}
