using System.Diagnostics;
using System.Text;

namespace SecureChat.Tui.Tests.Support;

/// <summary>A started app process whose output lines are collected as they come.</summary>
internal sealed class RunningApp : AppProcess
{
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _err = new();
    private readonly object _gate = new();

    public RunningApp(Process process)
        : base(process)
    {
        process.OutputDataReceived += (_, e) => Append(_out, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_err, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public override string Output
    {
        get
        {
            lock (_gate)
            {
                return _out.ToString();
            }
        }
    }

    public override string Error
    {
        get
        {
            lock (_gate)
            {
                return _err.ToString();
            }
        }
    }

    private void Append(StringBuilder builder, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            builder.AppendLine(line);
        }
    }
}
