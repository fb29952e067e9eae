namespace SecureChat.Engine.Groups;

/// <summary>
/// Keeps a <see cref="GroupBook"/>'s groups and key packages in its <see cref="GroupFiles"/>: the groups an input
/// touched are marked, and <see cref="Save"/> rewrites exactly those (a group left is deleted), so that a restart
/// resumes every group at the epoch and ratchet position it had, and a key used before the restart stays used.
/// Not thread-safe.
/// </summary>
internal sealed class GroupPersistence(GroupFiles files)
{
    private readonly HashSet<string> _dirty = [];
    private readonly HashSet<string> _deleted = [];
    private bool _keyPackagesDirty;

    public void Touched(string groupKey)
    {
        _dirty.Add(groupKey);
        _deleted.Remove(groupKey);
    }

    public void Removed(string groupKey)
    {
        _dirty.Remove(groupKey);
        _deleted.Add(groupKey);
    }

    public void KeyPackagesChanged() => _keyPackagesDirty = true;

    /// <summary>Reads the key packages and every group file; what cannot be read is reported through <paramref name="failed"/> and left on disk.</summary>
    public void Restore(Dictionary<string, MemberGroup> groups, OwnKeyPackages keyPackages, Action<string> failed)
    {
        if (!files.TryRead(GroupFiles.KeyPackagesName, out byte[]? stored, out string failure))
        {
            failed(failure);
        }
        else if (stored is not null)
        {
            if (OwnKeyPackagesCodec.TryDecode(stored, out List<OwnKeyPackage> kept, out failure))
            {
                kept.ForEach(keyPackages.Keep);
            }
            else
            {
                failed(failure);
            }

            System.Security.Cryptography.CryptographicOperations.ZeroMemory(stored);
        }

        foreach (string name in files.GroupNames())
        {
            if (!files.TryRead(name, out stored, out failure) || stored is null)
            {
                failed(failure);
                continue;
            }

            if (MemberGroupCodec.TryDecode(stored, out MemberGroup? group, out failure) && GroupFiles.NameOf(GroupBook.KeyOf(group.Target)) == name)
            {
                groups[GroupBook.KeyOf(group.Target)] = group;
            }
            else
            {
                group?.DropState();
                failed(failure.Length > 0 ? failure : $"{name} holds another group than its name says");
            }

            System.Security.Cryptography.CryptographicOperations.ZeroMemory(stored);
        }
    }

    public void Save(IReadOnlyDictionary<string, MemberGroup> groups, OwnKeyPackages keyPackages)
    {
        foreach (string key in _deleted)
        {
            files.Delete(GroupFiles.NameOf(key));
        }

        foreach (string key in _dirty)
        {
            if (groups.TryGetValue(key, out MemberGroup? group))
            {
                files.Write(GroupFiles.NameOf(key), MemberGroupCodec.Encode(group));
            }
        }

        if (_keyPackagesDirty)
        {
            files.Write(GroupFiles.KeyPackagesName, OwnKeyPackagesCodec.Encode(keyPackages.Kept));
        }

        _dirty.Clear();
        _deleted.Clear();
        _keyPackagesDirty = false;
    }
}
