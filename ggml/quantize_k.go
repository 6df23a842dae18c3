package ggml

import (
	"encoding/binary"
	"math"
)

// The K-quants' reference quantizers (quantize_row_q{2,3,4,5,6}_K_ref) and their helpers,
// make_qkx2_quants, make_q3_quants and make_qx_quants, as ggml-quants.c writes them.
// Their searches sum products in float32, so an FMA would change the bytes: every product
// that meets a sum is rounded by an explicit float32 conversion.

// groupMaxEps is ggml's GROUP_MAX_EPS: a group whose largest magnitude is below it is zero.
const groupMaxEps = float32(1e-15)

// nearestInt is ggml's nearest_int, v rounded to nearest, ties to even (what its
// 12582912.f magic-number addition gives). ok is false where ggml asserts
// fabsf(v) <= 4194303.f: NaN, ±Inf and larger magnitudes, for which its result is not
// the rounded value.
func nearestInt(v float32) (int, bool) {
	if !(v >= -4194303 && v <= 4194303) {
		return 0, false
	}
	// 1.5·2^52 puts the integer part in the low bits, rounded to nearest even.
	r := float64(v) + 0x1.8p52
	return int(int32(math.Float64bits(r))), true
}

func clamp(l, lo, hi int) int { return max(lo, min(hi, l)) }

func sqrtf(v float32) float32 { return float32(math.Sqrt(float64(v))) }

// makeQKX2 is make_qkx2_quants: an asymmetric quantization of x to 0..nmax with weights,
// searching nstep+1 scales; it gives the scale and the min (as a non-negative offset).
// L receives the levels; laux is scratch as long as x.
func makeQKX2(nmax int, x, weights []float32, L, laux []uint8, rmin, rdelta float32, nstep int, useMAD bool) (scale, theMin float32, ok bool) {
	n := len(x)
	mn, mx := x[0], x[0]
	sumW := weights[0]
	sumX := float32(sumW * x[0])
	for i := 1; i < n; i++ {
		if x[i] < mn {
			mn = x[i]
		}
		if x[i] > mx {
			mx = x[i]
		}
		w := weights[i]
		sumW += w
		sumX += float32(w * x[i])
	}
	if mn > 0 {
		mn = 0
	}
	if mx == mn {
		for i := range L[:n] {
			L[i] = 0
		}
		return 0, -mn, true
	}
	fnmax := float32(nmax)
	iscale := fnmax / (mx - mn)
	scale = 1 / iscale
	var bestError float32
	for i := range n {
		l, ok := nearestInt(float32(iscale * (x[i] - mn)))
		if !ok {
			return 0, 0, false
		}
		L[i] = uint8(clamp(l, 0, nmax))
		diff := float32(scale*float32(L[i])) + mn - x[i]
		if useMAD {
			diff = abs32(diff)
		} else {
			diff = float32(diff * diff)
		}
		bestError += float32(weights[i] * diff)
	}
	for is := 0; is <= nstep; is++ {
		iscale = (rmin + float32(rdelta*float32(is)) + fnmax) / (mx - mn)
		var sumL, sumL2, sumXL float32
		for i := range n {
			l, ok := nearestInt(float32(iscale * (x[i] - mn)))
			if !ok {
				return 0, 0, false
			}
			l = clamp(l, 0, nmax)
			laux[i] = uint8(l)
			fl := float32(l)
			wl := float32(weights[i] * fl)
			sumL += wl
			sumL2 += float32(wl * fl)
			sumXL += float32(wl * x[i])
		}
		D := float32(sumW*sumL2) - float32(sumL*sumL)
		if D > 0 {
			thisScale := (float32(sumW*sumXL) - float32(sumX*sumL)) / D
			thisMin := (float32(sumL2*sumX) - float32(sumL*sumXL)) / D
			if thisMin > 0 {
				thisMin = 0
				thisScale = sumXL / sumL2
			}
			var curError float32
			for i := range n {
				diff := float32(thisScale*float32(laux[i])) + thisMin - x[i]
				if useMAD {
					diff = abs32(diff)
				} else {
					diff = float32(diff * diff)
				}
				curError += float32(weights[i] * diff)
			}
			if curError < bestError {
				copy(L[:n], laux[:n])
				bestError = curError
				scale = thisScale
				mn = thisMin
			}
		}
	}
	return scale, -mn, true
}

// makeQ3 is make_q3_quants with do_rmse: a symmetric quantization of x to -nmax..nmax-1,
// refined by up to five passes that move one level at a time. L receives the levels plus
// nmax.
func makeQ3(nmax int, x []float32, L []int8) (float32, bool) {
	var mx, amax float32
	for _, v := range x {
		if ax := abs32(v); ax > amax {
			amax, mx = ax, v
		}
	}
	if amax < groupMaxEps {
		for i := range L[:len(x)] {
			L[i] = 0
		}
		return 0, true
	}
	iscale := float32(-nmax) / mx
	var sumlx, suml2 float32
	for i, v := range x {
		l, ok := nearestInt(float32(iscale * v))
		if !ok {
			return 0, false
		}
		l = clamp(l, -nmax, nmax-1)
		L[i] = int8(l)
		w := float32(v * v)
		fl := float32(l)
		sumlx += float32(float32(w*v) * fl)
		suml2 += float32(float32(w*fl) * fl)
	}
	for range 5 {
		changed := false
		for i, v := range x {
			w := float32(v * v)
			fL := float32(L[i])
			slx := sumlx - float32(float32(w*v)*fL)
			if slx > 0 {
				sl2 := suml2 - float32(float32(w*fL)*fL)
				nl, ok := nearestInt(float32(v*sl2) / slx)
				if !ok {
					return 0, false
				}
				nl = clamp(nl, -nmax, nmax-1)
				if nl != int(L[i]) {
					fn := float32(nl)
					slx += float32(float32(w*v) * fn)
					sl2 += float32(float32(w*fn) * fn)
					if sl2 > 0 && float32(float32(slx*slx)*suml2) > float32(float32(sumlx*sumlx)*sl2) {
						L[i] = int8(nl)
						sumlx, suml2 = slx, sl2
						changed = true
					}
				}
			}
		}
		if !changed {
			break
		}
	}
	for i := range L[:len(x)] {
		L[i] += int8(nmax)
	}
	if suml2 > 0 {
		return sumlx / suml2, true
	}
	return 0, true
}

// makeQX is make_qx_quants with rmse_type 1 and no weights: a symmetric quantization of x
// to -nmax..nmax-1 weighted by x², trying 18 scales around nmax/max. L receives the levels
// plus nmax.
func makeQX(nmax int, x []float32, L []int8) (float32, bool) {
	var mx, amax float32
	for _, v := range x {
		if ax := abs32(v); ax > amax {
			amax, mx = ax, v
		}
	}
	if amax < groupMaxEps {
		for i := range L[:len(x)] {
			L[i] = 0
		}
		return 0, true
	}
	iscale := float32(-nmax) / mx
	var sumlx, suml2 float32
	for i, v := range x {
		l, ok := nearestInt(float32(iscale * v))
		if !ok {
			return 0, false
		}
		l = clamp(l, -nmax, nmax-1)
		L[i] = int8(l + nmax)
		w := float32(v * v)
		fl := float32(l)
		sumlx += float32(float32(w*v) * fl)
		suml2 += float32(float32(w*fl) * fl)
	}
	var scale float32
	if suml2 != 0 {
		scale = sumlx / suml2
	}
	best := float32(scale * sumlx)
	for is := -9; is <= 9; is++ {
		if is == 0 {
			continue
		}
		iscale = -(float32(nmax) + float32(0.1*float32(is))) / mx
		sumlx, suml2 = 0, 0
		for _, v := range x {
			l, ok := nearestInt(float32(iscale * v))
			if !ok {
				return 0, false
			}
			l = clamp(l, -nmax, nmax-1)
			w := float32(v * v)
			fl := float32(l)
			sumlx += float32(float32(w*v) * fl)
			suml2 += float32(float32(w*fl) * fl)
		}
		if suml2 > 0 && float32(sumlx*sumlx) > float32(best*suml2) {
			for i, v := range x {
				l, _ := nearestInt(float32(iscale * v)) // rounded above
				L[i] = int8(nmax + clamp(l, -nmax, nmax-1))
			}
			scale = sumlx / suml2
			best = float32(scale * sumlx)
		}
	}
	return scale, true
}

// quantQ2_K is quantize_row_q2_K_ref: 16 groups of 16 at 2 bits with a 4-bit scale and
// min each.
func quantQ2_K(y []byte, x []float32) bool {
	var L [256]uint8
	var laux [16]uint8
	var weights [16]float32
	var mins, scales [16]float32
	const q4scale = float32(15)
	sc, qs := y[0:16], y[16:80]
	var maxScale, maxMin float32
	for j := range 16 {
		xs := x[16*j : 16*j+16]
		for l, v := range xs {
			weights[l] = abs32(v)
		}
		s, m, ok := makeQKX2(3, xs, weights[:], L[16*j:16*j+16], laux[:], -0.5, 0.1, 15, true)
		if !ok {
			return false
		}
		scales[j], mins[j] = s, m
		if s > maxScale {
			maxScale = s
		}
		if m > maxMin {
			maxMin = m
		}
	}
	var d, dmin uint16
	if maxScale > 0 {
		iscale := q4scale / maxScale
		for j := range 16 {
			l, ok := nearestInt(float32(iscale * scales[j]))
			if !ok {
				return false
			}
			sc[j] = uint8(l)
		}
		d = fp32ToFP16(maxScale / q4scale)
	} else {
		clear(sc)
		d = fp32ToFP16(0)
	}
	if maxMin > 0 {
		iscale := q4scale / maxMin
		for j := range 16 {
			l, ok := nearestInt(float32(iscale * mins[j]))
			if !ok {
				return false
			}
			sc[j] |= uint8(l << 4)
		}
		dmin = fp32ToFP16(maxMin / q4scale)
	} else {
		dmin = fp32ToFP16(0)
	}
	binary.LittleEndian.PutUint16(y[80:], d)
	binary.LittleEndian.PutUint16(y[82:], dmin)
	df, dminf := fp16ToFP32(d), fp16ToFP32(dmin)
	for j := range 16 {
		dj := float32(df * float32(sc[j]&0xf))
		if dj == 0 {
			continue
		}
		dm := float32(dminf * float32(sc[j]>>4))
		for ii := range 16 {
			l, ok := nearestInt((x[16*j+ii] + dm) / dj)
			if !ok {
				return false
			}
			L[16*j+ii] = uint8(clamp(l, 0, 3))
		}
	}
	for j := 0; j < 256; j += 128 {
		for l := range 32 {
			qs[j/4+l] = L[j+l] | L[j+l+32]<<2 | L[j+l+64]<<4 | L[j+l+96]<<6
		}
	}
	return true
}

// quantQ3_K is quantize_row_q3_K_ref: 16 groups of 16 at 3 bits (the high bit in hmask)
// with a signed 6-bit scale each.
func quantQ3_K(y []byte, x []float32) bool {
	var L [256]int8
	var scales [16]float32
	hmask, qs, sc := y[0:32], y[32:96], y[96:108]
	var maxScale, amax float32
	for j := range 16 {
		s, ok := makeQ3(4, x[16*j:16*j+16], L[16*j:16*j+16])
		if !ok {
			return false
		}
		scales[j] = s
		if a := abs32(s); a > amax {
			amax, maxScale = a, s
		}
	}
	clear(sc)
	var d uint16
	if maxScale != 0 {
		iscale := -32 / maxScale
		for j := range 16 {
			l0, ok := nearestInt(float32(iscale * scales[j]))
			if !ok {
				return false
			}
			l := clamp(int(int8(l0)), -32, 31) + 32
			if j < 8 {
				sc[j] = uint8(l & 0xf)
			} else {
				sc[j-8] |= uint8((l & 0xf) << 4)
			}
			l >>= 4
			sc[j%4+8] |= uint8(l << (2 * (j / 4)))
		}
		d = fp32ToFP16(1 / iscale)
	} else {
		d = fp32ToFP16(0)
	}
	binary.LittleEndian.PutUint16(y[108:], d)
	df := fp16ToFP32(d)
	for j := range 16 {
		var s int8
		if j < 8 {
			s = int8(sc[j] & 0xf)
		} else {
			s = int8(sc[j-8] >> 4)
		}
		s = int8(int(s)|int(sc[8+j%4]>>(2*(j/4))&3)<<4) - 32
		dj := float32(df * float32(s))
		if dj == 0 {
			continue
		}
		for ii := range 16 {
			l, ok := nearestInt(x[16*j+ii] / dj)
			if !ok {
				return false
			}
			L[16*j+ii] = int8(clamp(l, -4, 3) + 4)
		}
	}
	clear(hmask)
	m, hm := 0, uint8(1)
	for j := range 256 {
		if L[j] > 3 {
			hmask[m] |= hm
			L[j] -= 4
		}
		if m++; m == 32 {
			m, hm = 0, hm<<1
		}
	}
	for j := 0; j < 256; j += 128 {
		for l := range 32 {
			qs[j/4+l] = uint8(L[j+l] | L[j+l+32]<<2 | L[j+l+64]<<4 | L[j+l+96]<<6)
		}
	}
	return true
}

// quantKScalesMins is the part Q4_K and Q5_K share: 8 groups of 32 quantized by
// make_qkx2_quants with weights av_x + |x|, their scales and mins packed at 6 bits into
// y[4:16] with d and dmin in y[0:4], then every group requantized with its packed scale
// and min into L (0..nmax).
func quantKScalesMins(y []byte, x []float32, L *[256]uint8, nmax int, rmin float32, nstep int) bool {
	var laux [32]uint8
	var weights [32]float32
	var mins, scales [8]float32
	var maxScale, maxMin float32
	for j := range 8 {
		xs := x[32*j : 32*j+32]
		var sumX2 float32
		for _, v := range xs {
			sumX2 += float32(v * v)
		}
		avX := sqrtf(sumX2 / 32)
		for l, v := range xs {
			weights[l] = avX + abs32(v)
		}
		s, m, ok := makeQKX2(nmax, xs, weights[:], L[32*j:32*j+32], laux[:], rmin, 0.1, nstep, false)
		if !ok {
			return false
		}
		scales[j], mins[j] = s, m
		if s > maxScale {
			maxScale = s
		}
		if m > maxMin {
			maxMin = m
		}
	}
	var invScale, invMin float32
	if maxScale > 0 {
		invScale = 63 / maxScale
	}
	if maxMin > 0 {
		invMin = 63 / maxMin
	}
	sc := y[4:16]
	for j := range 8 {
		l0, ok0 := nearestInt(float32(invScale * scales[j]))
		m0, ok1 := nearestInt(float32(invMin * mins[j]))
		if !ok0 || !ok1 {
			return false
		}
		ls, lm := min(63, uint8(l0)), min(63, uint8(m0))
		if j < 4 {
			sc[j], sc[j+4] = ls, lm
		} else {
			sc[j+4] = ls&0xf | (lm&0xf)<<4
			sc[j-4] |= ls >> 4 << 6
			sc[j] |= lm >> 4 << 6
		}
	}
	d, dmin := fp32ToFP16(maxScale/63), fp32ToFP16(maxMin/63)
	binary.LittleEndian.PutUint16(y[0:], d)
	binary.LittleEndian.PutUint16(y[2:], dmin)
	df, dminf := fp16ToFP32(d), fp16ToFP32(dmin)
	for j := range 8 {
		s, m := scaleMinK4(j, (*[12]byte)(sc))
		dj := float32(df * float32(s))
		if dj == 0 {
			continue
		}
		dm := float32(dminf * float32(m))
		for ii := range 32 {
			l, ok := nearestInt((x[32*j+ii] + dm) / dj)
			if !ok {
				return false
			}
			L[32*j+ii] = uint8(clamp(l, 0, nmax))
		}
	}
	return true
}

// quantQ4_K is quantize_row_q4_K_ref: 8 groups of 32 at 4 bits with a 6-bit scale and min.
func quantQ4_K(y []byte, x []float32) bool {
	var L [256]uint8
	if !quantKScalesMins(y, x, &L, 15, -1, 20) {
		return false
	}
	q := y[16:144]
	for j := 0; j < 256; j += 64 {
		for l := range 32 {
			q[l] = L[j+l] | L[j+l+32]<<4
		}
		q = q[32:]
	}
	return true
}

// quantQ5_K is quantize_row_q5_K_ref: as Q4_K at 5 bits, the fifth in qh.
func quantQ5_K(y []byte, x []float32) bool {
	var L [256]uint8
	if !quantKScalesMins(y, x, &L, 31, -0.5, 15) {
		return false
	}
	qh, ql := y[16:48], y[48:176]
	clear(qh)
	m1, m2 := uint8(1), uint8(2)
	for n := 0; n < 256; n += 64 {
		for j := range 32 {
			l1 := L[n+j]
			if l1 > 15 {
				l1 -= 16
				qh[j] |= m1
			}
			l2 := L[n+j+32]
			if l2 > 15 {
				l2 -= 16
				qh[j] |= m2
			}
			ql[j] = l1 | l2<<4
		}
		m1 <<= 2
		m2 <<= 2
		ql = ql[32:]
	}
	return true
}

// quantQ6_K is quantize_row_q6_K_ref: 16 groups of 16 at 6 bits with a signed 8-bit scale.
func quantQ6_K(y []byte, x []float32) bool {
	var L [256]int8
	var scales [16]float32
	ql, qh, sc := y[0:128], y[128:192], y[192:208]
	var maxScale, maxAbsScale float32
	for ib := range 16 {
		s, ok := makeQX(32, x[16*ib:16*ib+16], L[16*ib:16*ib+16])
		if !ok {
			return false
		}
		scales[ib] = s
		if a := abs32(s); a > maxAbsScale {
			maxAbsScale, maxScale = a, s
		}
	}
	if maxAbsScale < groupMaxEps {
		clear(y[:210])
		return true
	}
	iscale := -128 / maxScale
	d := fp32ToFP16(1 / iscale)
	binary.LittleEndian.PutUint16(y[208:], d)
	for ib := range 16 {
		l, ok := nearestInt(float32(iscale * scales[ib]))
		if !ok {
			return false
		}
		sc[ib] = uint8(int8(min(127, l)))
	}
	df := fp16ToFP32(d)
	for j := range 16 {
		dj := float32(df * float32(int8(sc[j])))
		if dj == 0 {
			continue
		}
		for ii := range 16 {
			l, ok := nearestInt(x[16*j+ii] / dj)
			if !ok {
				return false
			}
			L[16*j+ii] = int8(clamp(l, -32, 31) + 32)
		}
	}
	for j := 0; j < 256; j += 128 {
		for l := range 32 {
			q1 := uint8(L[j+l]) & 0xf
			q2 := uint8(L[j+l+32]) & 0xf
			q3 := uint8(L[j+l+64]) & 0xf
			q4 := uint8(L[j+l+96]) & 0xf
			ql[l] = q1 | q3<<4
			ql[l+32] = q2 | q4<<4
			qh[l] = uint8(L[j+l]>>4 | L[j+l+32]>>4<<2 | L[j+l+64]>>4<<4 | L[j+l+96]>>4<<6)
		}
		ql = ql[64:]
		qh = qh[32:]
	}
	return true
}
