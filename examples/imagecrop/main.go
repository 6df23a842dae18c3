// Imagecrop views an image.RGBA's Pix as an H×W×4 uint8 array and crops it, flips it and
// picks a channel without copying a pixel, then writes the results as PNGs.
//
//	go run ./examples/imagecrop [-out DIR]
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log"
	"os"
	"path/filepath"

	"github.com/ndview/ndview"
)

func main() {
	out := flag.String("out", os.TempDir(), "directory for the PNGs")
	flag.Parse()
	files, err := run(*out)
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range files {
		fmt.Println("wrote", f)
	}
}

// run draws a test image, makes the views and writes them; it returns the files written.
func run(dir string) ([]string, error) {
	img := image.NewRGBA(image.Rect(0, 0, 320, 200))
	for y := range 200 {
		for x := range 320 {
			img.SetRGBA(x, y, color.RGBA{uint8(x * 255 / 319), uint8(y * 255 / 199), uint8((x + y) % 256), 255})
		}
	}
	// Pix is H×W×4 bytes with a row stride of img.Stride: exactly a strided view.
	h, w := img.Rect.Dy(), img.Rect.Dx()
	pix, err := ndview.NewStrided[uint8](img.Pix, 0, []int{h, w, 4}, []int{img.Stride, 4, 1})
	if err != nil {
		return nil, err
	}
	fmt.Printf("image: shape %v strides %v\n", pix.Shape(), pix.Strides())

	crop := pix.Slice(0, 50, 150, 1).Slice(1, 100, 260, 1) // rows 50..149, columns 100..259
	flipped := crop.Slice(0, 0, 100, -1).Slice(1, 0, 160, -1)
	red := pix.Index(2, 0) // H×W, stride 4 bytes along a row
	fmt.Printf("crop: shape %v strides %v (shares memory: offset %d)\n", crop.Shape(), crop.Strides(), crop.Offset())
	fmt.Printf("flipped: strides %v; red channel: shape %v strides %v\n", flipped.Strides(), red.Shape(), red.Strides())
	fmt.Printf("pixel (0,0) of the flipped crop is pixel (149,259) of the image: %v == %v\n",
		flipped.Index(0, 0).Index(0, 0).ToSlice(), pix.Index(0, 149).Index(0, 259).ToSlice())

	var files []string
	save := func(name string, m image.Image) error {
		p := filepath.Join(dir, name)
		f, err := os.Create(p)
		if err != nil {
			return err
		}
		if err := png.Encode(f, m); err != nil {
			f.Close()
			return err
		}
		files = append(files, p)
		return f.Close()
	}
	// image.RGBA can hold the crop itself without a copy: its Pix is the view's memory from
	// the crop's first pixel, with the parent's stride.
	cropImg := &image.RGBA{Pix: img.Pix[crop.Offset():], Stride: img.Stride, Rect: image.Rect(0, 0, 160, 100)}
	if err := save("crop.png", cropImg); err != nil {
		return nil, err
	}
	// A flipped view has negative strides, which image.RGBA cannot express: copy it out once,
	// with the copy engine, into a fresh image.
	flipImg := image.NewRGBA(image.Rect(0, 0, 160, 100))
	dst, _ := ndview.NewStrided[uint8](flipImg.Pix, 0, []int{100, 160, 4}, []int{flipImg.Stride, 4, 1})
	ndview.Copy(dst, flipped)
	if err := save("flipped.png", flipImg); err != nil {
		return nil, err
	}
	gray := image.NewGray(image.Rect(0, 0, w, h))
	g, _ := ndview.NewStrided[uint8](gray.Pix, 0, []int{h, w}, []int{gray.Stride, 1})
	ndview.Copy(g, red)
	if err := save("red.png", gray); err != nil {
		return nil, err
	}
	return files, nil
}
