package main

import (
	"image/png"
	"os"
	"testing"
)

func TestImagecrop(t *testing.T) {
	files, err := run(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 3 {
		t.Fatalf("files %v", files)
	}
	f, err := os.Open(files[1]) // flipped.png
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	// Pixel (0,0) of the flipped crop is image pixel (x=259, y=149).
	r, g, _, _ := img.At(0, 0).RGBA()
	if uint8(r>>8) != uint8(259*255/319) || uint8(g>>8) != uint8(149*255/199) {
		t.Fatalf("flipped (0,0) = %d %d", r>>8, g>>8)
	}
	if b := img.Bounds(); b.Dx() != 160 || b.Dy() != 100 {
		t.Fatalf("bounds %v", b)
	}
}
