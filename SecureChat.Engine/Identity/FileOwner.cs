using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SecureChat.Engine.Identity;

/// <summary>
/// Who owns a file, and who this process runs as, for the config directory's ownership check (as ssh's
/// <c>StrictModes</c>: a directory or file owned by another account is refused, whatever its mode). On Linux through
/// <c>statx(2)</c>, whose layout is the same on every architecture (stx_uid is the u32 at offset 20); on other
/// systems the owner is unknown (null) and only the mode checks apply. Thread-safe.
/// </summary>
internal static class FileOwner
{
    private const int AtEmptyPath = 0x1000;
    private const int AtFdCwd = -100;
    private const uint StatxUid = 0x0008;
    private const int StatxSize = 256;
    private const int UidOffset = 20;

    /// <summary>The effective uid of this process, or null when it cannot be told.</summary>
    public static uint? CurrentUser => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() ? geteuid() : null;

    /// <summary>The uid owning <paramref name="path"/> (what a symbolic link points to), or null when unknown.</summary>
    public static uint? Of(string path) =>
        OperatingSystem.IsLinux() ? Statx(AtFdCwd, path, 0) : null;

    /// <summary>The uid owning the open file <paramref name="handle"/>, or null when unknown.</summary>
    public static uint? Of(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return Statx((int)handle.DangerousGetHandle(), string.Empty, AtEmptyPath);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>True when the owner of <paramref name="path"/> is known and is not this process's user.</summary>
    public static bool IsOthers(string path) => Of(path) is { } owner && CurrentUser is { } me && owner != me;

    /// <summary>True when the owner of the open file is known and is not this process's user.</summary>
    public static bool IsOthers(SafeFileHandle handle) => Of(handle) is { } owner && CurrentUser is { } me && owner != me;

    private static uint? Statx(int directory, string path, int flags)
    {
        byte[] buffer = new byte[StatxSize];
        if (statx(directory, path, flags, StatxUid, buffer) != 0 || (BitConverter.ToUInt32(buffer, 0) & StatxUid) == 0)
        {
            return null;
        }

        return BitConverter.ToUInt32(buffer, UidOffset);
    }

    // DllImport, not LibraryImport: the engine is built without unsafe code, which the generated stubs need.
    [DllImport("libc", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int statx(int dirfd, string pathname, int flags, uint mask, [Out] byte[] statxbuf);

    [DllImport("libc")]
    private static extern uint geteuid();
}
