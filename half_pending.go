package ndview

// Until the half-precision types land, no Go element type has a 2-byte float DType.
func halfRepr(DType) repr { return rUint16 }

func halfConverter(dr, sr repr) convFn { panic("ndview: internal error: no half-precision types yet") }
