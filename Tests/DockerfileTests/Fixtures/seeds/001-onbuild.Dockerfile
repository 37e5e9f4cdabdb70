FROM golang:onbuild
