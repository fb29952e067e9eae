using System.Diagnostics.CodeAnalysis;
using System.Text;
using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Groups;

/// <summary>
/// One <see cref="MemberGroup"/> as bytes, for the encrypted file of the group (version 1): its target, whether it
/// awaits a Welcome and had a state before, the hub's group id for a room, when it last renewed its leaf and how many
/// texts since, the texts waiting to go out (so a restart loses none), and the MLS state (<see cref="GroupStateCodec"/>)
/// when it has one. A commit awaiting its CommitResult is not kept: after a restart the hub tasks another member.
/// Stateless and thread-safe.
/// </summary>
internal static class MemberGroupCodec
{
    public const byte Version = 1;

    public static byte[] Encode(MemberGroup group)
    {
        byte[] target = new byte[GroupTarget.FieldMax];
        int targetLength = group.Target.Write(target);
        byte[]? state = group.State is { } s ? GroupStateCodec.Encode(s) : null;
        try
        {
            return MlsWriter.Encode(w =>
            {
                w.U8(Version);
                w.Opaque(target.AsSpan(0, targetLength));
                w.Bool(group.AwaitingWelcome);
                w.Bool(group.HadState);
                w.Opaque(group.AnnouncedGroupId ?? []);
                w.U64((ulong)group.LastUpdate.ToUnixTimeSeconds());
                w.U32((uint)group.SentSinceUpdate);
                w.Vector([.. group.Outgoing], static (w, text) => w.Opaque(Encoding.UTF8.GetBytes(text)));
                w.Opaque(state ?? []);
            });
        }
        finally
        {
            if (state is not null)
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(state);
            }
        }
    }

    public static bool TryDecode(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out MemberGroup? group, out string failure)
    {
        group = null;
        try
        {
            var r = new MlsReader(bytes);
            if (r.U8() != Version)
            {
                failure = "a stored group has another version";
                return false;
            }

            ReadOnlySpan<byte> targetField = r.Opaque();
            if (!GroupTarget.TryRead(ref targetField, out GroupTarget target) || !targetField.IsEmpty)
            {
                failure = "a stored group names no valid room or person";
                return false;
            }

            var found = new MemberGroup(target)
            {
                AwaitingWelcome = r.Bool(),
                HadState = r.Bool(),
            };
            byte[] groupId = r.OpaqueArray();
            found.AnnouncedGroupId = groupId.Length == 0 ? null : groupId;
            found.LastUpdate = DateTimeOffset.FromUnixTimeSeconds((long)Math.Min(r.U64(), (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
            found.SentSinceUpdate = (int)Math.Min(r.U32(), int.MaxValue);
            var strict = new UTF8Encoding(false, true);
            found.Outgoing.AddRange(r.VectorOf(static (ref MlsReader r) => r.OpaqueArray()).Select(b => strict.GetString(b)));
            byte[] state = r.OpaqueArray();
            r.ExpectEnd();
            if (state.Length > 0)
            {
                if (!GroupStateCodec.TryDecode(state, out GroupState? decoded, out failure))
                {
                    return false;
                }

                found.State = decoded;
            }

            group = found;
            failure = "";
            return true;
        }
        catch (Exception e) when (e is MlsFormatException or DecoderFallbackException or ArgumentException)
        {
            failure = $"a stored group is damaged: {e.Message}";
            return false;
        }
    }
}
