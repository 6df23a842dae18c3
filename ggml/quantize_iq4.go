package ggml

import "encoding/binary"

// IQ4_XS's reference quantizer: quantize_row_iq4_xs_ref, which is quantize_iq4_xs without
// an importance matrix, which is quantize_row_iq4_nl_impl(QK_K, 32, ..., ntry 7). Its
// scale search sums products in float32, rounded explicitly as in the K-quants.

// bestIndexIQ4NL is best_index_int8(16, kvalues_iq4nl, x): the index of the level nearest
// x, the upper one on a tie (15 for a NaN x, as ggml's comparisons give).
func bestIndexIQ4NL(x float32) uint8 {
	val := &kvaluesIQ4NL
	if x <= float32(val[0]) {
		return 0
	}
	if x >= float32(val[15]) {
		return 15
	}
	ml, mu := 0, 15
	for mu-ml > 1 {
		mav := (ml + mu) / 2
		if x < float32(val[mav]) {
			mu = mav
		} else {
			ml = mav
		}
	}
	if x-float32(val[mu-1]) < float32(val[mu])-x {
		return uint8(mu - 1)
	}
	return uint8(mu)
}

// quantIQ4_XS quantizes 8 groups of 32 to kvalues_iq4nl levels, each group with a 6-bit
// scale (low nibbles in scales_l, high bits in scales_h) under an fp16 super-block scale.
func quantIQ4_XS(y []byte, x []float32) bool {
	const ntry = 7
	var L [256]uint8
	var weight [32]float32
	var scales [8]float32
	values := &kvaluesIQ4NL
	scalesL, q4 := y[4:8], y[8:136]
	clear(q4)
	var maxScale, amaxScale float32
	for ib := range 8 {
		xb, Lb := x[32*ib:32*ib+32], L[32*ib:32*ib+32]
		for j, v := range xb {
			weight[j] = float32(v * v)
		}
		var amax, mx float32
		for _, v := range xb {
			if ax := abs32(v); ax > amax {
				amax, mx = ax, v
			}
		}
		if amax < groupMaxEps {
			scales[ib] = 0
			continue
		}
		d := -mx / float32(values[0])
		id := 1 / d
		var sumqx, sumq2 float32
		for j, v := range xb {
			l := bestIndexIQ4NL(float32(id * v))
			Lb[j] = l
			q := float32(values[l])
			wq := float32(weight[j] * q)
			sumqx += float32(wq * v)
			sumq2 += float32(wq * q)
		}
		d = 0
		if sumq2 > 0 {
			d = sumqx / sumq2
		}
		best := float32(d * sumqx)
		for itry := -ntry; itry <= ntry; itry++ {
			id = float32(itry+int(values[0])) / mx
			sumqx, sumq2 = 0, 0
			for j, v := range xb {
				q := float32(values[bestIndexIQ4NL(float32(id*v))])
				wq := float32(weight[j] * q)
				sumqx += float32(wq * v)
				sumq2 += float32(wq * q)
			}
			if sumq2 > 0 && float32(sumqx*sumqx) > float32(best*sumq2) {
				d = sumqx / sumq2
				best = float32(d * sumqx)
			}
		}
		scales[ib] = d
		if a := abs32(d); a > amaxScale {
			amaxScale, maxScale = a, d
		}
	}
	var scalesH uint16
	d := -maxScale / 32
	binary.LittleEndian.PutUint16(y[0:], fp32ToFP16(d))
	var id float32
	if d != 0 {
		id = 1 / d
	}
	for ib := range 8 {
		l, ok := nearestInt(float32(id * scales[ib]))
		if !ok {
			return false
		}
		l = clamp(l, -32, 31)
		dl := float32(d * float32(l))
		var idl float32
		if dl != 0 {
			idl = 1 / dl
		}
		for j, v := range x[32*ib : 32*ib+32] {
			L[32*ib+j] = bestIndexIQ4NL(float32(idl * v))
		}
		l += 32
		lo, hi := uint8(l&0xf), uint8(l>>4)
		if ib%2 == 0 {
			scalesL[ib/2] = lo
		} else {
			scalesL[ib/2] |= lo << 4
		}
		scalesH |= uint16(hi) << (2 * (ib % 8))
	}
	binary.LittleEndian.PutUint16(y[2:], scalesH)
	for i := range 8 {
		for j := range 16 {
			q4[16*i+j] = L[32*i+j] | L[32*i+16+j]<<4
		}
	}
	return true
}
