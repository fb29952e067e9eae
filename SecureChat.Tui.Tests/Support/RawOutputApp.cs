using System.Diagnostics;
using System.Text;
using SecureChat.TestSupport;

namespace SecureChat.Tui.Tests.Support;

/// <summary>
/// The app as a real process whose standard output and error are kept as the exact bytes it wrote (no line
/// splitting, no decoding), to check what would reach a terminal: escape sequences, carriage returns, newlines.
/// Every wait is bounded.
/// </summary>
internal sealed class RawOutputApp : AppProcess
{
    private readonly MemoryStream _out = new();
    private readonly MemoryStream _err = new();
    private readonly Task _pumps;

    private RawOutputApp(Process process)
        : base(process)
    {
        _pumps = Task.WhenAll(Pump(process.StandardOutput.BaseStream, _out), Pump(process.StandardError.BaseStream, _err));
    }

    /// <summary>Starts <c>dotnet SecureChat.Tui.dll args</c> like <see cref="AppUnderTest.Start"/>, keeping raw output.</summary>
    public static RawOutputApp Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        info.ArgumentList.Add(AppUnderTest.DllPath);
        foreach (string arg in AppUnderTest.WithConfigDir(args))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment.Remove("DisableRealDriverIO");
        IsolatedHome.Apply(info.Environment);
        return new RawOutputApp(Process.Start(info)!);
    }

    public byte[] OutputBytes => Snapshot(_out);

    public byte[] ErrorBytes => Snapshot(_err);

    /// <summary>Standard output decoded as UTF-8 (nothing split or trimmed).</summary>
    public override string Output => Encoding.UTF8.GetString(OutputBytes);

    public override string Error => Encoding.UTF8.GetString(ErrorBytes);

    protected override void OutputComplete(TimeSpan timeout) => _pumps.Wait(timeout);

    private static async Task Pump(Stream from, MemoryStream to)
    {
        byte[] buffer = new byte[4096];
        int read;
        while ((read = await from.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            lock (to)
            {
                to.Write(buffer, 0, read);
            }
        }
    }

    private static byte[] Snapshot(MemoryStream stream)
    {
        lock (stream)
        {
            return stream.ToArray();
        }
    }
}
