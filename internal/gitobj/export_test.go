package gitobj

// ParseCacheTreeForTest exposes parseCacheTree to the external tests.
func ParseCacheTreeForTest(b []byte, f Format) *CacheTree { return parseCacheTree(b, f.Size()) }
